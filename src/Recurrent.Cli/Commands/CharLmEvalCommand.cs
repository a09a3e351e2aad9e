using System.CommandLine;
using System.Globalization;
using Recurrent.Data.Text;
using Recurrent.Models;
using Recurrent.Training;

namespace Recurrent.Cli.Commands;

/// <summary><c>recurrent charlm eval</c>: a checkpoint's mean cross-entropy on every character of a text file.</summary>
internal static class CharLmEvalCommand
{
    public static Command Create()
    {
        var checkpoint = new Option<string>("--checkpoint") { Description = "A checkpoint written by charlm train.", DefaultValueFactory = _ => Path.Combine(CharLmTrainCommand.DefaultOut, Trainer<TextBatch>.BestCheckpoint) };
        var file = new Option<string>("--file") { Description = "UTF-8 text to score (every character after the first is predicted).", Required = true };
        var window = new Option<int>("--window") { Description = "Characters per window, each window from a zero state.", DefaultValueFactory = _ => 64 };
        var batch = new Option<int>("--batch") { Description = "Windows scored together.", DefaultValueFactory = _ => 64 };
        var json = CommonOptions.Json();
        var threads = CommonOptions.Threads();
        var int8 = CommonOptions.Int8();
        var command = new Command("eval", "Mean cross-entropy of a checkpoint on a text, in nats and bits per character.") { checkpoint, file, window, batch, json, threads, int8 };
        command.SetAction(parse => CliErrors.Run(parse, () =>
        {
            CommonOptions.ApplyThreads(parse.GetValue(threads));
            int t = Limits.Size(parse.GetValue(window), Limits.Window, "--window"), b = Limits.Size(parse.GetValue(batch), Limits.Batch, "--batch");
            var (model, vocabulary) = CharLmFiles.Load(parse.GetValue(checkpoint)!, int8: parse.GetValue(int8));
            var c = model.Config;
            double parameters = model.ParameterCount;
            Limits.Memory(Limits.TrainingBytes(parameters, c.Rnn.Cell, b, t, c.EmbeddingSize, c.Rnn.HiddenSize, c.Rnn.Layers, c.VocabularySize) - 12 * parameters,
                $"Scoring --batch {b} × --window {t} with this model (H = {c.Rnn.HiddenSize}, {c.Rnn.Layers} layers)");
            string path = parse.GetValue(file)!;
            // The whole file is the "validation" text: every character but the first is a target.
            var text = CommonOptions.ReadInput("--file", path, () => CharCorpus.Load(path, 0.1, vocabulary));
            if (text.Length < 2) throw new InvalidDataException($"{path} needs at least 2 characters to score one prediction.");
            var batcher = new ValidationWindowBatcher(text.Ids, 1, b, t);
            double nats = Evaluation.MeanLoss<TextBatch>(model, model.Loss, batcher);
            if (parse.GetValue(json))
            {
                Console.WriteLine(Bench.JsonLine.Format(("op", "charlm-eval"), ("file", path), ("chars", batcher.Characters),
                    ("nats_per_char", Math.Round(nats, 6)), ("bits_per_char", Math.Round(nats / Math.Log(2), 6))));
            }
            else
            {
                Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"{path}: {nats:F4} nats/char, {nats / Math.Log(2):F4} bits/char, perplexity {Math.Exp(nats):F2}, over {batcher.Characters} predicted characters"));
            }
            return 0;
        }));
        return command;
    }
}
