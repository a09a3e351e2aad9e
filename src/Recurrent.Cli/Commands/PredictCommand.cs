using System.CommandLine;
using Recurrent.Cli.Tasks;
using Recurrent.Models;

namespace Recurrent.Cli.Commands;

/// <summary>
/// <c>recurrent predict --model FILE (--data FILE | --text "...")</c>: the model's predictions for new data, as CSV
/// (classify), JSONL (tag), TSV (seq2seq) or CSV with a plot (forecast), streamed sample by sample; or, for a text,
/// printed.
/// </summary>
internal static class PredictCommand
{
    public static Command Create()
    {
        var model = new Option<string>("--model") { Description = "A model written by 'recurrent train' (or a char-lm from 'charlm train').", Required = true };
        var data = new Option<string?>("--data") { Description = "Samples in the training file's format (labels, if present, are ignored; forecast: the series so far)." };
        var text = new Option<string?>("--text") { Description = "One input typed in: a word or sentence to classify, tag or translate, or the start of a text to continue (lm)." };
        var output = new Option<string?>("--out") { Description = "File for the predictions (default: standard output)." };
        var beam = new Option<int>("--beam") { Description = "seq2seq: beam width (1: greedy decoding).", DefaultValueFactory = _ => 1 };
        var horizon = new Option<int?>("--horizon") { Description = "forecast: steps ahead (default: the model's; more are forecast by feeding forecasts back when the model reads only its targets)." };
        var from = new Option<string?>("--from") { Description = "forecast: forecast from every time from here (default: from the last row only)." };
        var to = new Option<string?>("--to") { Description = "forecast: the last time to forecast from." };
        var plot = new Option<string?>("--plot") { Description = "forecast: a PNG of the forecasts against the actual values." };
        var length = new Option<int>("--length") { Description = "lm: characters to generate.", DefaultValueFactory = _ => 200 };
        var temperature = new Option<double>("--temperature") { Description = "lm: sampling temperature.", DefaultValueFactory = _ => 0.8 };
        var seed = new Option<ulong>("--seed") { Description = "lm: sampling seed.", DefaultValueFactory = _ => 1UL };
        var threads = CommonOptions.Threads();
        var int8 = CommonOptions.Int8();
        var command = new Command("predict", "Predict with a trained model: classes, tags, target sequences, forecasts, or a text's continuation.")
        {
            model, data, text, output, beam, horizon, from, to, plot, length, temperature, seed, threads, int8,
        };
        command.SetAction(parse => CliErrors.Run(parse, () =>
        {
            CommonOptions.ApplyThreads(parse.GetValue(threads));
            string modelPath = parse.GetValue(model)!;
            string? dataPath = parse.GetValue(data), input = parse.GetValue(text), outPath = parse.GetValue(output);
            if ((dataPath is null) == (input is null)) throw new UsageException("give either --data FILE or --text \"...\".");
            if (dataPath is not null && !File.Exists(dataPath)) throw new UsageException($"--data: '{dataPath}' does not exist.");
            int width = Limits.Size(parse.GetValue(beam), 64, "--beam");
            var module = CommonOptions.ReadInput("--model", modelPath, () => Model.Load(modelPath));
            if (module is CharLanguageModel<float>)
            {
                if (input is null) throw new UsageException("a char-lm continues a text: give --text \"...\" (score a file with 'recurrent evaluate').");
                return LanguageModelTask.Predict(modelPath, input, Limits.Size(parse.GetValue(length), Limits.SampleLength, "--length"), parse.GetValue(temperature), parse.GetValue(seed), parse.GetValue(int8));
            }
            var task = TaskModel.Load(modelPath, parse.GetValue(int8));
            using var writer = TaskPrediction.OpenOutput(outPath);
            if (task.Schema.Task == "forecast")
            {
                if (dataPath is null) throw new UsageException("forecast reads the series so far from --data FILE; --text is for symbol models.");
                int steps = parse.GetValue(horizon) is { } h ? Limits.Size(h, 100_000, "--horizon") : task.Schema.Horizon;
                TaskPrediction.Forecast(task, dataPath, steps, parse.GetValue(from), parse.GetValue(to), writer.Writer, parse.GetValue(plot));
            }
            else
            {
                TaskPrediction.Samples(task, dataPath, input, width, writer.Writer);
            }
            writer.Commit();
            return 0;
        }));
        return command;
    }
}
