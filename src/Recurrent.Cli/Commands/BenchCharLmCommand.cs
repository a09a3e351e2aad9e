using System.CommandLine;
using Recurrent.Cli.Bench;
using Recurrent.Data.Text;
using Recurrent.Layers;
using Recurrent.Lecture.Data;
using Recurrent.Models;
using Recurrent.Tensors;
using Recurrent.Training;
using Spectre.Console;

namespace Recurrent.Cli.Commands;

/// <summary>
/// <c>recurrent bench charlm</c>: the median time of one character-model training step (forward, backward, clipping,
/// Adam) and the characters per second it gives, as <c>peer torch charlm-speed</c> measures libtorch on the same model.
/// </summary>
internal static class BenchCharLmCommand
{
    public static Command Create()
    {
        var corpus = new Option<string?>("--corpus") { Description = "UTF-8 text file (default: the built-in corpus)." };
        var hidden = new Option<int>("--hidden") { Description = "Hidden units per layer.", DefaultValueFactory = _ => 256 };
        var layers = new Option<int>("--layers") { Description = "Stacked LSTM layers.", DefaultValueFactory = _ => 2 };
        var embed = new Option<int>("--embed") { Description = "Embedding size.", DefaultValueFactory = _ => 64 };
        var batch = new Option<int>("--batch") { Description = "Windows per step.", DefaultValueFactory = _ => 32 };
        var steps = new Option<int>("--steps") { Description = "Characters per window.", DefaultValueFactory = _ => 64 };
        var lr = new Option<double>("--lr") { Description = "Adam learning rate.", DefaultValueFactory = _ => 2e-3 };
        var clip = new Option<double>("--clip") { Description = "Gradient-norm clipping.", DefaultValueFactory = _ => 5.0 };
        var seed = new Option<ulong>("--seed") { Description = "Seed.", DefaultValueFactory = _ => 1337UL };
        var threads = CommonOptions.Threads();
        var json = CommonOptions.Json();
        var command = new Command("charlm", "Median ms per training step and chars/s of the character-level LSTM language model.")
        {
            corpus, hidden, layers, embed, batch, steps, lr, clip, seed, threads, json,
        };
        command.SetAction(parse => CliErrors.Run(parse, () =>
        {
            int t = CommonOptions.ApplyThreads(parse.GetValue(threads));
            int b = Limits.Size(parse.GetValue(batch), Limits.Batch, "--batch"), s = Limits.Size(parse.GetValue(steps), Limits.Window, "--steps");
            int h = Limits.Size(parse.GetValue(hidden), Limits.Hidden, "--hidden"), l = Limits.Size(parse.GetValue(layers), Limits.Layers, "--layers");
            int e = Limits.Size(parse.GetValue(embed), Limits.Embedding, "--embed");
            Limits.Positive(parse.GetValue(lr), Limits.LearningRate, "--lr");
            Limits.NonNegative(parse.GetValue(clip), double.MaxValue, "--clip");
            string? path = parse.GetValue(corpus);
            var text = path is null ? BuiltInCorpus.Load() : CommonOptions.ReadInput("--corpus", path, () => CharCorpus.Load(path));
            CharLmTraining.CheckMemory(text.Vocabulary.Count, e, h, l, Recurrent.Cells.CellKind.Lstm, b, s);
            var model = new CharLanguageModel<float>(new CharModelConfig(text.Vocabulary.Count, e, new RecurrentSpec { HiddenSize = h, Layers = l }), new Rng(parse.GetValue(seed)));
            var trainer = new Trainer<TextBatch>(model, model.Loss, new TrainerOptions
            {
                LearningRate = parse.GetValue(lr), ClipNorm = parse.GetValue(clip), Seed = parse.GetValue(seed),
            });
            var windows = new RandomWindowBatcher(text, b, s, new Rng(parse.GetValue(seed)));
            double ms = Timing.MedianMs(() =>
            {
                windows.TryNext(out var batch);
                trainer.TrainStep(batch!);
            }, warmup: 3, minRunSeconds: 2);
            double charsPerSecond = b * s / (ms / 1000);
            double gflops = Flops.CharLmTrainStep(b, s, e, h, l, text.Vocabulary.Count) / (ms * 1e6);
            double? fraction = MachinePeak.Fraction(gflops, t);
            if (parse.GetValue(json))
            {
                Console.WriteLine(JsonLine.Format([("op", "charlm-speed"), ("impl", "recurrent"), ("cell", "lstm"), ("B", b), ("T", s), ("H", h),
                    ("layers", l), ("embed", e), ("threads", t), ("chars_per_s", Math.Round(charsPerSecond, 1)), ("median_ms_per_step", Math.Round(ms, 3)), .. BenchFields.Speed(gflops, fraction)]));
            }
            else
            {
                AnsiConsole.MarkupLine($"char-LM LSTM {l}×{h}, embedding {e}, B={b} T={s}, V={text.Vocabulary.Count}, {t} thread(s)");
                AnsiConsole.MarkupLine($"median {ms:F3} ms per training step, {charsPerSecond:F0} chars/s, {gflops:F1} GFLOP/s ({BenchFields.Percent(fraction)} of peak)");
                AnsiConsole.MarkupLine(Markup.Escape($"GFLOP/s counts the LSTM and decoder products, ×3 for training; {BenchFields.PeakNote(t)}"));
            }
            return 0;
        }));
        return command;
    }
}
