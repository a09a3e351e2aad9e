using System.CommandLine;
using Recurrent.Cli.Tasks;
using Recurrent.Models;

namespace Recurrent.Cli.Commands;

/// <summary>
/// <c>recurrent evaluate --model FILE --data FILE</c>: the task's metrics on labelled data, printed or as one JSON
/// line. The model file says which task it was trained for and how to read the data.
/// </summary>
internal static class EvaluateCommand
{
    public static Command Create()
    {
        var model = new Option<string>("--model") { Description = "A model written by 'recurrent train' (OUT/model.safetensors or a checkpoint).", Required = true };
        var data = new Option<string>("--data") { Description = "Labelled data in the training file's format.", Required = true };
        var json = CommonOptions.Json();
        var beam = new Option<int>("--beam") { Description = "seq2seq: beam width (1: greedy decoding).", DefaultValueFactory = _ => 1 };
        var from = new Option<string?>("--from") { Description = "forecast: first time of the evaluated segment (earlier rows give the history)." };
        var to = new Option<string?>("--to") { Description = "forecast: last time of the evaluated segment." };
        var plot = new Option<string?>("--plot") { Description = "classify: where to write the confusion-matrix heat map (PNG; default beside the model)." };
        var window = new Option<int>("--window") { Description = "lm: characters per zero-state window.", DefaultValueFactory = _ => 64 };
        var threads = CommonOptions.Threads();
        var int8 = CommonOptions.Int8();
        var command = new Command("evaluate", "Score a trained model on labelled data: accuracy and macro-F1, token accuracy, WER/PER, MAE/RMSE/ARV, or nats and bits per symbol.")
        {
            model, data, json, beam, from, to, plot, window, threads, int8,
        };
        command.SetAction(parse => CliErrors.Run(parse, () =>
        {
            CommonOptions.ApplyThreads(parse.GetValue(threads));
            string modelPath = parse.GetValue(model)!, dataPath = parse.GetValue(data)!;
            int width = Limits.Size(parse.GetValue(beam), 64, "--beam");
            if (!File.Exists(dataPath)) throw new UsageException($"--data: '{dataPath}' does not exist.");
            var module = CommonOptions.ReadInput("--model", modelPath, () => Model.Load(modelPath));
            if (module is CharLanguageModel<float>)
            {
                return LanguageModelTask.Evaluate(modelPath, dataPath, parse.GetValue(json), Limits.Size(parse.GetValue(window), Limits.Window, "--window"), parse.GetValue(int8));
            }
            var task = TaskModel.Load(modelPath, parse.GetValue(int8));
            if (task.Schema.Task == "forecast")
            {
                var series = CommonOptions.ReadInput("--data", dataPath, () => SeriesData.Read(dataPath, task.Schema));
                var (first, last) = series.Range(parse.GetValue(from), parse.GetValue(to), "--from/--to");
                var fields = TaskEvaluation.Forecast(task, series, first, last, out int count);
                TaskEvaluation.Print("forecast", dataPath, count, fields, parse.GetValue(json));
                return 0;
            }
            var samples = CommonOptions.ReadInput("--data", dataPath, () => SampleReader.Read(dataPath, task.Schema, labelled: true));
            var encoded = TaskData.Encode(task.Schema, samples, dataPath, labelled: true);
            string? plotPath = task.Schema.Task != "classify" ? null
                : parse.GetValue(plot) ?? Path.Combine(Path.GetDirectoryName(Path.GetFullPath(modelPath))!, $"confusion-{Path.GetFileNameWithoutExtension(dataPath)}.png");
            return TaskEvaluation.Run(task, encoded, dataPath, parse.GetValue(json), width, plotPath);
        }));
        return command;
    }
}
