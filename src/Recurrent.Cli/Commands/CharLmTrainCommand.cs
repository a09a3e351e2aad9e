using Recurrent.Data;
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
        var evalSteps = new Option<long?>("--eval-steps") { Description = "Validate every N optimiser steps instead of every --eval-every seconds (reproducible loss curves)." };
        var checkpointEvery = new Option<long?>("--checkpoint-every") { Description = "Also write last.safetensors every N steps (default: at each validation and at the end)." };
        var skipNonFinite = new Option<int>("--skip-nonfinite") { Description = "Skip up to N steps whose loss or gradient is NaN or infinite, instead of stopping at the first.", DefaultValueFactory = _ => 0 };
        var resume = new Option<bool>("--resume") { Description = "Continue the run in --out from its last checkpoint, with its saved options (a new --minutes/--steps replaces the budget)." };
        var threads = CommonOptions.Threads();
        var command = new Command("train", "Train a character-level language model (Karpathy 2015) and keep its best checkpoint.")
        {
            corpus, cell, hidden, layers, embed, dropout, batch, window, lr, weightDecay, clip, schedule, warmup, sampling, seed,
            minutes, steps, evalEvery, evalSteps, checkpointEvery, skipNonFinite, patience, valFraction, outDir, metrics, sampleLength, resume, threads,
        };
        command.SetAction(parse => CliErrors.Run(parse, () =>
        {
            CommonOptions.ApplyThreads(parse.GetValue(threads));
            string output = parse.GetValue(outDir)!;
            string metricsPath = parse.GetValue(metrics) ?? Path.Combine(output, "metrics.jsonl");
            string lastPath = Path.Combine(output, Trainer<TextBatch>.LastCheckpoint);
            double? budgetMinutes = parse.GetValue(minutes);
            long? budgetSteps = parse.GetValue(steps);
            if (budgetMinutes is { } bm) Limits.Positive(bm, Limits.Minutes, "--minutes");
            if (budgetSteps is { } bs && bs <= 0) throw new UsageException($"--steps must be positive; got {bs}.");
            int length = parse.GetValue(sampleLength);
            if (length is < 0 or > Limits.SampleLength) throw new UsageException($"--sample-length must be an integer from 0 to {Limits.SampleLength:N0}; got {length}.");
            if (File.Exists(output)) throw new UsageException($"--out: '{output}' is a file; expected a folder.");
            if (Directory.Exists(metricsPath)) throw new UsageException($"--metrics: '{metricsPath}' is a directory; expected a file.");

            // The lock on --out is taken before the run reads or writes anything there (and after the checks that need
            // no directory), so that two runs on one --out cannot interleave.
            RunDirectoryLock? runLock = null;
            using var releaseLock = new LockRelease(() => runLock?.Dispose());
            CharLmRun run;
            CharCorpus text;
            CharLanguageModel<float> model;
            bool resuming = parse.GetValue(resume);
            if (resuming)
            {
                Option[] kept = [cell, hidden, layers, embed, dropout, batch, window, lr, weightDecay, clip, schedule, warmup, sampling, seed, evalEvery, evalSteps, checkpointEvery, patience, valFraction];
                if (kept.FirstOrDefault(o => parse.GetResult(o) is { Implicit: false }) is { } given)
                {
                    throw new UsageException($"{given.Name} conflicts with --resume: a resumed run keeps the model and options of its {CharLmRun.FileName}; only --minutes, --steps, --corpus, --metrics, --sample-length, --skip-nonfinite and --threads apply.");
                }
                if (!File.Exists(lastPath)) throw new UsageException($"--resume: {lastPath} does not exist; there is no run in {output} to continue.");
                runLock = RunDirectoryLock.Acquire(output);
                run = CharLmRun.Read(output);
                if (budgetMinutes is not null || budgetSteps is not null) run = run with { Minutes = budgetMinutes, Steps = budgetSteps };
                if (parse.GetValue(skipNonFinite) is > 0 and var skip) run = run with { SkipNonFinite = skip };
                (model, var vocabulary) = CharLmFiles.Load(lastPath, "--resume");
                text = LoadCorpus(parse.GetValue(corpus) ?? run.Corpus, run.ValidationFraction, vocabulary);
                CommonOptions.PrepareOutputFolder(output, "--out");
            }
            else
            {
                if (File.Exists(lastPath))
                {
                    throw new UsageException($"{output} already holds a run ({Trainer<TextBatch>.LastCheckpoint}); pass --resume to continue it, or choose another --out.");
                }
                double fraction = parse.GetValue(valFraction);
                if (!(fraction > 0 && fraction < 1)) throw new UsageException($"--val-fraction must be in (0, 1); got {fraction}.");
                double learningRate = Limits.Positive(parse.GetValue(lr), Limits.LearningRate, "--lr");
                run = new CharLmRun
                {
                    Corpus = parse.GetValue(corpus), ValidationFraction = fraction,
                    Batch = Limits.Size(parse.GetValue(batch), Limits.Batch, "--batch"),
                    Window = Limits.Size(parse.GetValue(window), Limits.Window, "--window"),
                    LearningRate = learningRate,
                    WeightDecay = Limits.NonNegative(parse.GetValue(weightDecay), 1 / learningRate, "--weight-decay"),
                    Clip = Limits.NonNegative(parse.GetValue(clip), double.MaxValue, "--clip"),
                    Cosine = parse.GetValue(schedule) == "cosine",
                    WarmupSteps = (int)NonNegative(parse.GetValue(warmup), "--warmup"),
                    Stream = parse.GetValue(sampling) == "stream",
                    Seed = parse.GetValue(seed),
                    Minutes = budgetMinutes ?? (budgetSteps is null ? 3.0 : null),
                    Steps = budgetSteps,
                    EvalEverySeconds = Limits.Positive(parse.GetValue(evalEvery), Limits.Seconds, "--eval-every"),
                    Patience = (int)NonNegative(parse.GetValue(patience), "--patience"),
                    EvalEverySteps = parse.GetValue(evalSteps) is { } es ? CommonOptions.Positive(checked((int)Math.Min(es, int.MaxValue)), "--eval-steps") : null,
                    CheckpointEverySteps = parse.GetValue(checkpointEvery) is { } ce ? CommonOptions.Positive(checked((int)Math.Min(ce, int.MaxValue)), "--checkpoint-every") : null,
                    SkipNonFinite = (int)NonNegative(parse.GetValue(skipNonFinite), "--skip-nonfinite"),
                };
                double p = parse.GetValue(dropout);
                if (!(p >= 0 && p < 1)) throw new UsageException($"--dropout must be in [0, 1); got {p}.");
                int e = Limits.Size(parse.GetValue(embed), Limits.Embedding, "--embed");
                int h = Limits.Size(parse.GetValue(hidden), Limits.Hidden, "--hidden"), l = Limits.Size(parse.GetValue(layers), Limits.Layers, "--layers");
                var kind = ParseCell(parse.GetValue(cell)!);
                text = LoadCorpus(run.Corpus, fraction, null);
                CheckMemory(text.Vocabulary.Count, e, h, l, kind, run.Batch, run.Window);
                var config = CharModelFromOptions(text.Vocabulary.Count, e, h, l, kind, p);
                model = new CharLanguageModel<float>(config, new Rng(run.Seed), text.Vocabulary);
                CommonOptions.PrepareOutputFolder(output, "--out");
                runLock = RunDirectoryLock.Acquire(output);
                if (File.Exists(lastPath)) throw new UsageException($"{output} already holds a run ({Trainer<TextBatch>.LastCheckpoint}); pass --resume to continue it, or choose another --out.");
                run.Write(output);
                AnsiConsole.MarkupLine($"Training on [bold]{Markup.Escape(text.ToString())}[/]");
                AnsiConsole.MarkupLine($"Model: {Markup.Escape(Describe(model))} ({model.ParameterCount:N0} parameters)");
            }
            var trainer = new Trainer<TextBatch>(model, model.Loss, run.ToTrainerOptions(output, metricsPath));
            if (resuming)
            {
                trainer.Resume(lastPath);
                AnsiConsole.MarkupLine($"Resuming [bold]{Markup.Escape(lastPath)}[/] at step {trainer.Step} ({trainer.WallSeconds:F0} s of training).");
            }
            IBatchSource<TextBatch> source = run.Stream
                ? new StreamBatcher(text, run.Batch, run.Window)
                : new RandomWindowBatcher(text, run.Batch, run.Window, new Rng(run.Seed ^ 0x5A5A_1234_ABCD_0001UL));
            var validation = new ValidationWindowBatcher(text, 64, run.Window);
            return Train(trainer, source, validation, text, output, metricsPath, length, run.Seed);
        }));
        return command;
    }

    private static int Train(Trainer<TextBatch> trainer, IBatchSource<TextBatch> source, ValidationWindowBatcher validation, CharCorpus text,
        string output, string metricsPath, int sampleLength, ulong seed)
    {
        var model = (CharLanguageModel<float>)trainer.Model;
        var progressLine = new ProgressLine();
        var sampler = new CharSampler(model, text.Vocabulary);
        var sampleRng = new Rng(seed ^ 0xC0FFEE);
        using var cancel = new CancellationTokenSource();
        ConsoleCancelEventHandler onCancel = (_, e) =>
        {
            if (cancel.IsCancellationRequested) return; // a second Ctrl-C ends the process at once
            e.Cancel = true;
            cancel.Cancel();
            progressLine.Clear();
            Console.Error.WriteLine("Stopping after this step; saving a checkpoint (Ctrl-C again to quit at once).");
        };
        Console.CancelKeyPress += onCancel;
        TrainingResult result;
        try
        {
            var progress = new SynchronousProgress<TrainingProgress>(p =>
            {
                if (p.Validation is not { } record)
                {
                    progressLine.Update(p);
                    return;
                }
                progressLine.Clear();
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
            });
            result = trainer.Fit(source, validation, progress, cancel.Token);
        }
        finally
        {
            Console.CancelKeyPress -= onCancel;
            progressLine.Clear();
        }

        var table = new Table().AddColumns("wall s", "step", "chars", "train loss", "val loss");
        foreach (var r in result.History)
        {
            table.AddRow(r.WallSeconds.ToString("F0", CultureInfo.InvariantCulture), r.Step.ToString(CultureInfo.InvariantCulture),
                r.Examples.ToString(CultureInfo.InvariantCulture), r.TrainLoss.ToString("F4", CultureInfo.InvariantCulture),
                r.ValidationLoss?.ToString("F4", CultureInfo.InvariantCulture) ?? "-");
        }
        AnsiConsole.Write(table);
        var history = ReadHistory(metricsPath);
        string[] plots = history.Count > 0 ? LossPlot.Write(history, output, $"char-LM on {text.Name}") : [];
        double bestLoss = result.BestValidationLoss ?? double.NaN;
        AnsiConsole.MarkupLine(string.Create(CultureInfo.InvariantCulture,
            $"{result.Reason}: best validation loss {bestLoss:F4} nats/char ({bestLoss / Math.Log(2):F3} bits/char), {trainer.Examples / Math.Max(trainer.WallSeconds, 1e-9) / 1000:F1}k chars/s."));
        AnsiConsole.MarkupLine($"Checkpoints: {Markup.Escape(Path.Combine(output, Trainer<TextBatch>.BestCheckpoint))}, {Markup.Escape(Path.Combine(output, Trainer<TextBatch>.LastCheckpoint))}");
        AnsiConsole.MarkupLine($"Metrics: {Markup.Escape(metricsPath)}; plots: {Markup.Escape(string.Join(", ", plots))}");
        AnsiConsole.MarkupLine($"Sample with: recurrent charlm sample --checkpoint {Markup.Escape(Path.Combine(output, Trainer<TextBatch>.BestCheckpoint))}");
        return result.Reason == StopReason.Cancelled ? 130 : 0;
    }

    /// <summary>Every record of the run so far, resumed parts included, from its metrics file.</summary>
    private static List<TrainingRecord> ReadHistory(string metricsPath)
    {
        var records = new List<TrainingRecord>();
        if (!File.Exists(metricsPath)) return records;
        foreach (string line in File.ReadLines(metricsPath))
        {
            if (string.IsNullOrWhiteSpace(line)) continue;
            try
            {
                var o = System.Text.Json.Nodes.JsonNode.Parse(line)!.AsObject();
                records.Add(new TrainingRecord((double)o["wall_s"]!, (long)o["step"]!, (int)o["epoch"]!, (long)o["examples"]!,
                    (double?)o["train_loss"] ?? double.NaN, (double?)o["val_loss"], (double?)o["lr"] ?? double.NaN));
            }
            catch (Exception e) when (e is System.Text.Json.JsonException or InvalidOperationException or NullReferenceException or FormatException)
            {
                // A line cut short by a killed run: the plots skip it.
            }
        }
        return records;
    }

    private static string Describe(CharLanguageModel<float> model)
    {
        var c = model.Config;
        return $"embedding {c.EmbeddingSize} → {CharLayers(c)} → linear {c.VocabularySize}";
    }

    internal static CharCorpus LoadCorpus(string? path, double validationFraction, CharVocabulary? vocabulary) =>
        path is null ? BuiltInCorpus.Load(validationFraction, vocabulary)
        : CommonOptions.ReadInput("--corpus", path, () => CharCorpus.Load(path, validationFraction, vocabulary));

    /// <summary>Refuses, before it allocates, a model and batch whose training would not fit in memory.</summary>
    internal static void CheckMemory(int vocabulary, int embed, int hidden, int layers, CellKind cell, int batch, int window)
    {
        double parameters = (double)vocabulary * embed + Limits.RecurrentParameters(cell, embed, hidden, layers) + (double)vocabulary * (hidden + 1);
        Limits.Memory(Limits.TrainingBytes(parameters, cell, batch, window, embed, hidden, layers, vocabulary),
            $"Training a model of --hidden {hidden}, --layers {layers}, --embed {embed} (V = {vocabulary}) on --batch {batch} × --window {window}");
    }

    private static CharModelConfig CharModelFromOptions(int vocabulary, int embed, int hidden, int layers, CellKind cell, double dropout) =>
        new(vocabulary, embed, new RecurrentSpec { Cell = cell, HiddenSize = hidden, Layers = layers, Dropout = dropout });

    private static string CharLayers(CharModelConfig c) => $"{c.Rnn.Layers}×{c.Rnn.Cell} {c.Rnn.HiddenSize}";

    private static CellKind ParseCell(string name) => name switch
    {
        "gru" => CellKind.Gru,
        "gru-cudnn" => CellKind.CudnnGru,
        "elman" => CellKind.Elman,
        _ => CellKind.Lstm,
    };

    private static double NonNegative(double value, string option) =>
        value >= 0 ? value : throw new UsageException($"{option} must be non-negative; got {value}.");

    /// <summary>Runs an action when disposed: releases a lock taken part-way through a command, on every path out.</summary>
    private sealed class LockRelease(Action release) : IDisposable
    {
        public void Dispose() => release();
    }
}
