using System.CommandLine;
using System.Globalization;
using System.Text;
using Recurrent.Cells;
using Recurrent.Cli.Plotting;
using Recurrent.Data.Text;
using Recurrent.Layers;
using Recurrent.Lecture.Data;
using Recurrent.Models;
using Recurrent.Tensors;
using Recurrent.Training;
using Spectre.Console;

namespace Recurrent.Cli.Commands;

/// <summary>
/// <c>recurrent charlm train</c>: trains the lecture's character-level language model, on the built-in corpus
/// (Recurrent's own C# sources) or a text file, with a live progress line, samples at each validation, metrics as
/// JSON lines, loss plots, and the best and last checkpoints.
/// </summary>
internal static class CharLmTrainCommand
{
    public const string DefaultOut = "runs/charlm";

    public static Command Create()
    {
        var corpus = new Option<string?>("--corpus") { Description = "UTF-8 text file to train on (default: the built-in corpus, Recurrent's own C# sources)." };
        var cell = new Option<string>("--cell") { Description = "lstm, gru (lecture form), gru-cudnn (PyTorch form), elman.", DefaultValueFactory = _ => "lstm" };
        cell.AcceptOnlyFromAmong("lstm", "gru", "gru-cudnn", "elman");
        var hidden = new Option<int>("--hidden") { Description = "Hidden units per layer, H.", DefaultValueFactory = _ => 256 };
        var layers = new Option<int>("--layers") { Description = "Stacked recurrent layers.", DefaultValueFactory = _ => 2 };
        var embed = new Option<int>("--embed") { Description = "Embedding size, E.", DefaultValueFactory = _ => 64 };
        var dropout = new Option<double>("--dropout") { Description = "Dropout between layers and before the decoder.", DefaultValueFactory = _ => 0.0 };
        var batch = new Option<int>("--batch") { Description = "Windows per step, B.", DefaultValueFactory = _ => 32 };
        var window = new Option<int>("--window") { Description = "Characters per window: the BPTT length, T.", DefaultValueFactory = _ => 64 };
        var lr = new Option<double>("--lr") { Description = "Peak learning rate (Adam).", DefaultValueFactory = _ => 2e-3 };
        var weightDecay = new Option<double>("--weight-decay") { Description = "Decoupled weight decay (AdamW when positive).", DefaultValueFactory = _ => 0.0 };
        var clip = new Option<double>("--clip") { Description = "Gradient-norm clipping (0: off).", DefaultValueFactory = _ => 5.0 };
        var schedule = new Option<string>("--schedule") { Description = "constant, or cosine (warm-up then decay to lr/10 over the budget).", DefaultValueFactory = _ => "constant" };
        schedule.AcceptOnlyFromAmong("constant", "cosine");
        var warmup = new Option<int>("--warmup") { Description = "Warm-up steps of the cosine schedule.", DefaultValueFactory = _ => 100 };
        var sampling = new Option<string>("--sampling") { Description = "random windows, or stream (contiguous, state carried: truncated BPTT).", DefaultValueFactory = _ => "random" };
        sampling.AcceptOnlyFromAmong("random", "stream");
        var seed = new Option<ulong>("--seed") { Description = "Seed of weights, windows and dropout.", DefaultValueFactory = _ => 1337UL };
        var minutes = new Option<double?>("--minutes") { Description = "Budget: minutes of training (validation excluded). Default 3 when no --steps." };
        var steps = new Option<long?>("--steps") { Description = "Budget: optimiser steps." };
        var evalEvery = new Option<double>("--eval-every") { Description = "Seconds of training between validations.", DefaultValueFactory = _ => 30.0 };
        var patience = new Option<int>("--patience") { Description = "Stop after this many validations without improvement (0: never).", DefaultValueFactory = _ => 0 };
        var valFraction = new Option<double>("--val-fraction") { Description = "Share of the corpus (its end) held out for validation.", DefaultValueFactory = _ => 0.1 };
        var outDir = new Option<string>("--out") { Description = "Directory for checkpoints, metrics and plots.", DefaultValueFactory = _ => DefaultOut };
        var metrics = new Option<string?>("--metrics") { Description = "JSON-lines file with one object per validation (default OUT/metrics.jsonl)." };
        var sampleLength = new Option<int>("--sample-length") { Description = "Characters sampled at each validation (0: none).", DefaultValueFactory = _ => 300 };
        var resume = new Option<bool>("--resume") { Description = "Continue the run in --out from its last checkpoint, with its saved options (a new --minutes/--steps replaces the budget)." };
        var threads = CommonOptions.Threads();
        var command = new Command("train", "Train a character-level language model (Karpathy 2015) and keep its best checkpoint.")
        {
            corpus, cell, hidden, layers, embed, dropout, batch, window, lr, weightDecay, clip, schedule, warmup, sampling, seed,
            minutes, steps, evalEvery, patience, valFraction, outDir, metrics, sampleLength, resume, threads,
        };
        command.SetAction(parse => CliErrors.Run(parse, () =>
        {
            CommonOptions.ApplyThreads(parse.GetValue(threads));
            string output = parse.GetValue(outDir)!;
            string metricsPath = parse.GetValue(metrics) ?? Path.Combine(output, "metrics.jsonl");
            string lastPath = Path.Combine(output, CharLmTrainer.LastCheckpoint);
            double? budgetMinutes = parse.GetValue(minutes);
            long? budgetSteps = parse.GetValue(steps);
            if (budgetMinutes is { } bm && !(bm > 0)) throw new UsageException($"--minutes must be positive; got {bm}.");
            if (budgetSteps is { } bs && bs <= 0) throw new UsageException($"--steps must be positive; got {bs}.");
            int length = parse.GetValue(sampleLength);
            if (length < 0) throw new UsageException($"--sample-length must be non-negative; got {length}.");

            CharLmTrainer trainer;
            CharCorpus text;
            if (parse.GetValue(resume))
            {
                if (!File.Exists(lastPath)) throw new UsageException($"--resume: {lastPath} does not exist; there is no run in {output} to continue.");
                var (checkpoint, _, vocabulary) = CharLmCheckpoint.Load(lastPath);
                string source = parse.GetValue(corpus) ?? checkpoint.Metadata.GetValueOrDefault("corpus") ?? BuiltInCorpus.Name;
                double fraction = double.Parse(checkpoint.Metadata.GetValueOrDefault("val_fraction") ?? "0.1", CultureInfo.InvariantCulture);
                text = LoadCorpus(source == BuiltInCorpus.Name ? null : source, fraction, vocabulary);
                trainer = CharLmTrainer.Resume(lastPath, text, budgetMinutes, budgetSteps);
                AnsiConsole.MarkupLine($"Resuming [bold]{Markup.Escape(lastPath)}[/] at step {trainer.Step} ({trainer.WallSeconds:F0} s of training).");
            }
            else
            {
                if (File.Exists(lastPath))
                {
                    throw new UsageException($"{output} already holds a run ({CharLmTrainer.LastCheckpoint}); pass --resume to continue it, or choose another --out.");
                }
                var options = new CharLmTrainingOptions
                {
                    Batch = CommonOptions.Positive(parse.GetValue(batch), "--batch"),
                    Window = CommonOptions.Positive(parse.GetValue(window), "--window"),
                    LearningRate = PositiveReal(parse.GetValue(lr), "--lr"),
                    WeightDecay = NonNegative(parse.GetValue(weightDecay), "--weight-decay"),
                    Clip = NonNegative(parse.GetValue(clip), "--clip"),
                    Schedule = parse.GetValue(schedule) == "cosine" ? ScheduleKind.Cosine : ScheduleKind.Constant,
                    WarmupSteps = (int)NonNegative(parse.GetValue(warmup), "--warmup"),
                    Sampling = parse.GetValue(sampling) == "stream" ? WindowSampling.Stream : WindowSampling.Random,
                    Seed = parse.GetValue(seed),
                    Minutes = budgetMinutes ?? (budgetSteps is null ? 3.0 : null),
                    Steps = budgetSteps,
                    EvalEverySeconds = PositiveReal(parse.GetValue(evalEvery), "--eval-every"),
                    Patience = (int)NonNegative(parse.GetValue(patience), "--patience"),
                };
                double fraction = parse.GetValue(valFraction);
                if (!(fraction > 0 && fraction < 1)) throw new UsageException($"--val-fraction must be in (0, 1); got {fraction}.");
                text = LoadCorpus(parse.GetValue(corpus), fraction, null);
                var rnn = new RecurrentSpec
                {
                    Cell = ParseCell(parse.GetValue(cell)!), HiddenSize = CommonOptions.Positive(parse.GetValue(hidden), "--hidden"),
                    Layers = CommonOptions.Positive(parse.GetValue(layers), "--layers"), Dropout = parse.GetValue(dropout),
                };
                if (rnn.Dropout is < 0 or >= 1) throw new UsageException($"--dropout must be in [0, 1); got {rnn.Dropout}.");
                var config = new CharModelConfig(text.Vocabulary.Count, CommonOptions.Positive(parse.GetValue(embed), "--embed"), rnn);
                var model = new CharLanguageModel<float>(config, new Rng(options.Seed));
                trainer = new CharLmTrainer(model, text, options) { OutputDirectory = output };
                AnsiConsole.MarkupLine($"Training on [bold]{Markup.Escape(text.ToString())}[/]");
                AnsiConsole.MarkupLine($"Model: embedding {config.EmbeddingSize} → {rnn.Layers}×{rnn.Cell} {rnn.HiddenSize} → linear {config.VocabularySize} ({model.ParameterCount:N0} parameters)");
            }
            return Train(trainer, text, output, metricsPath, length, parse.GetValue(seed));
        }));
        return command;
    }

    private static int Train(CharLmTrainer trainer, CharCorpus text, string output, string metricsPath, int sampleLength, ulong seed)
    {
        Directory.CreateDirectory(output);
        Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(metricsPath))!);
        using var metricsFile = new StreamWriter(metricsPath, append: true, new UTF8Encoding(false));
        var progress = new ProgressLine();
        var sampler = new CharSampler(trainer.Model, text.Vocabulary);
        var sampleRng = new Rng(seed ^ 0xC0FFEE);
        using var cancel = new CancellationTokenSource();
        ConsoleCancelEventHandler onCancel = (_, e) =>
        {
            if (cancel.IsCancellationRequested) return; // a second Ctrl-C ends the process at once
            e.Cancel = true;
            cancel.Cancel();
            progress.Clear();
            Console.Error.WriteLine("Stopping after this step; saving a checkpoint (Ctrl-C again to quit at once).");
        };
        Console.CancelKeyPress += onCancel;
        TrainingOutcome outcome;
        try
        {
            trainer.StepCompleted = progress.Update;
            trainer.Validated = record =>
                {
                    progress.Clear();
                    metricsFile.WriteLine(Bench.JsonLine.Format(("wall_s", record.WallSeconds), ("step", record.Step), ("chars", record.Characters),
                        ("train_loss", Math.Round(record.TrainLoss, 5)), ("val_loss", Math.Round(record.ValidationLoss, 5))));
                    metricsFile.Flush();
                    bool best = record.ValidationLoss <= trainer.BestValidationLoss;
                    AnsiConsole.MarkupLine(string.Create(CultureInfo.InvariantCulture,
                        $"[bold]step {record.Step}[/]  {record.WallSeconds:F0} s  train {record.TrainLoss:F4}  val [bold]{record.ValidationLoss:F4}[/] nats/char{(best ? " (best)" : "")}"));
                    if (sampleLength > 0)
                    {
                        var sample = new StringBuilder();
                        foreach (char c in sampler.Generate("", sampleLength, 0.8, 0, sampleRng)) sample.Append(c);
                        AnsiConsole.WriteLine(sample.ToString());
                        AnsiConsole.WriteLine();
                    }
                };
            outcome = trainer.Run(cancel.Token);
        }
        finally
        {
            Console.CancelKeyPress -= onCancel;
            progress.Clear();
        }

        var table = new Table().AddColumns("wall s", "step", "chars", "train loss", "val loss");
        foreach (var r in trainer.History)
        {
            table.AddRow(r.WallSeconds.ToString("F0", CultureInfo.InvariantCulture), r.Step.ToString(CultureInfo.InvariantCulture),
                r.Characters.ToString(CultureInfo.InvariantCulture), r.TrainLoss.ToString("F4", CultureInfo.InvariantCulture),
                r.ValidationLoss.ToString("F4", CultureInfo.InvariantCulture));
        }
        AnsiConsole.Write(table);
        string[] plots = trainer.History.Count > 0 ? LossPlot.Write(trainer.History, output, $"char-LM on {text.Name}") : [];
        AnsiConsole.MarkupLine(string.Create(CultureInfo.InvariantCulture,
            $"{outcome.Reason}: best validation loss {outcome.BestValidationLoss:F4} nats/char ({outcome.BestValidationLoss / Math.Log(2):F3} bits/char), {trainer.Characters / Math.Max(trainer.WallSeconds, 1e-9) / 1000:F1}k chars/s."));
        AnsiConsole.MarkupLine($"Checkpoints: {Markup.Escape(Path.Combine(output, CharLmTrainer.BestCheckpoint))}, {Markup.Escape(Path.Combine(output, CharLmTrainer.LastCheckpoint))}");
        AnsiConsole.MarkupLine($"Metrics: {Markup.Escape(metricsPath)}; plots: {Markup.Escape(string.Join(", ", plots))}");
        AnsiConsole.MarkupLine($"Sample with: recurrent charlm sample --checkpoint {Markup.Escape(Path.Combine(output, CharLmTrainer.BestCheckpoint))}");
        return outcome.Reason == StopReason.Interrupted ? 130 : 0;
    }

    internal static CharCorpus LoadCorpus(string? path, double validationFraction, CharVocabulary? vocabulary) =>
        path is null ? BuiltInCorpus.Load(validationFraction, vocabulary) : CharCorpus.Load(path, validationFraction, vocabulary);

    private static CellKind ParseCell(string name) => name switch
    {
        "gru" => CellKind.Gru,
        "gru-cudnn" => CellKind.CudnnGru,
        "elman" => CellKind.Elman,
        _ => CellKind.Lstm,
    };

    private static double PositiveReal(double value, string option) =>
        value > 0 ? value : throw new UsageException($"{option} must be positive; got {value}.");

    private static double NonNegative(double value, string option) =>
        value >= 0 ? value : throw new UsageException($"{option} must be non-negative; got {value}.");
}
