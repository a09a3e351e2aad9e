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
/// The training of a character-level language model that <c>recurrent charlm train</c> and <c>recurrent train lm</c>
/// share: the model and training options (same names, defaults and checks) and the run they start or resume, with a
/// live progress line, samples at each validation, metrics as JSON lines, loss plots, the best and last checkpoints
/// and <c>run.json</c>. The two commands differ only in how they name the texts (<see cref="ICharLmTextOptions"/>).
/// </summary>
internal sealed class CharLmTraining
{
    private readonly ICharLmTextOptions _text;
    private readonly Func<string, string> _nextStep;
    private readonly Option<string> _cell = new("--cell") { Description = "lstm, gru (lecture form), gru-cudnn (PyTorch form), elman.", DefaultValueFactory = _ => "lstm" };
    private readonly Option<int> _hidden = new("--hidden") { Description = "Hidden units per layer, H.", DefaultValueFactory = _ => 256 };
    private readonly Option<int> _layers = new("--layers") { Description = "Stacked recurrent layers.", DefaultValueFactory = _ => 2 };
    private readonly Option<int> _embed = new("--embed") { Description = "Embedding size, E.", DefaultValueFactory = _ => 64 };
    private readonly Option<double> _dropout = new("--dropout") { Description = "Dropout between layers and before the decoder.", DefaultValueFactory = _ => 0.0 };
    private readonly Option<int> _batch = new("--batch") { Description = "Windows per step, B.", DefaultValueFactory = _ => 32 };
    private readonly Option<int> _window = new("--window") { Description = "Characters per window: the BPTT length, T.", DefaultValueFactory = _ => 64 };
    private readonly Option<double> _lr = new("--lr") { Description = "Peak learning rate (Adam).", DefaultValueFactory = _ => 2e-3 };
    private readonly Option<double> _weightDecay = new("--weight-decay") { Description = "Decoupled weight decay (AdamW when positive).", DefaultValueFactory = _ => 0.0 };
    private readonly Option<double> _clip = new("--clip") { Description = "Gradient-norm clipping (0: off).", DefaultValueFactory = _ => 5.0 };
    private readonly Option<string> _schedule = new("--schedule") { Description = "constant, or cosine (warm-up then decay to lr/10 over the budget).", DefaultValueFactory = _ => "constant" };
    private readonly Option<int> _warmup = new("--warmup") { Description = "Warm-up steps of the cosine schedule.", DefaultValueFactory = _ => 100 };
    private readonly Option<string> _sampling = new("--sampling") { Description = "random windows, or stream (contiguous, state carried: truncated BPTT).", DefaultValueFactory = _ => "random" };
    private readonly Option<ulong> _seed = new("--seed") { Description = "Seed of weights, windows and dropout.", DefaultValueFactory = _ => 1337UL };
    private readonly Option<double?> _minutes = new("--minutes") { Description = "Budget: minutes of training (validation excluded). Default 3 when no --steps." };
    private readonly Option<long?> _steps = new("--steps") { Description = "Budget: optimiser steps." };
    private readonly Option<double> _evalEvery = new("--eval-every") { Description = "Seconds of training between validations.", DefaultValueFactory = _ => 30.0 };
    private readonly Option<int> _patience = new("--patience") { Description = "Stop after this many validations without improvement (0: never).", DefaultValueFactory = _ => 0 };
    private readonly Option<string> _outDir;
    private readonly Option<string?> _metrics = new("--metrics") { Description = "JSON-lines file with one object per validation (default OUT/metrics.jsonl)." };
    private readonly Option<int> _sampleLength = new("--sample-length") { Description = "Characters sampled at each validation (0: none).", DefaultValueFactory = _ => 300 };
    private readonly Option<long?> _evalSteps = new("--eval-steps") { Description = "Validate every N optimiser steps instead of every --eval-every seconds (reproducible loss curves)." };
    private readonly Option<long?> _checkpointEvery = new("--checkpoint-every") { Description = "Also write last.safetensors every N steps (default: at each validation and at the end)." };
    private readonly Option<int> _skipNonFinite = new("--skip-nonfinite") { Description = "Skip up to N steps whose loss or gradient is NaN or infinite, instead of stopping at the first.", DefaultValueFactory = _ => 0 };
    private readonly Option<bool> _resume = new("--resume") { Description = "Continue the run in --out from its last checkpoint, with its saved options (a new --minutes/--steps replaces the budget)." };
    private readonly Option<int?> _threads = CommonOptions.Threads();
    private readonly Option<string> _distributed = DistributedRun.Option();

    /// <param name="text">The options that name the texts.</param>
    /// <param name="defaultOut">The default of --out.</param>
    /// <param name="nextStep">The last line of a run, from the path of its best checkpoint: what to do with it.</param>
    public CharLmTraining(ICharLmTextOptions text, string defaultOut, Func<string, string> nextStep)
    {
        _text = text;
        _nextStep = nextStep;
        _cell.AcceptOnlyFromAmong("lstm", "gru", "gru-cudnn", "elman");
        _schedule.AcceptOnlyFromAmong("constant", "cosine");
        _sampling.AcceptOnlyFromAmong("random", "stream");
        _outDir = new Option<string>("--out") { Description = "Directory for checkpoints, metrics and plots.", DefaultValueFactory = _ => defaultOut };
    }

    /// <summary>The command: the text's options first, then the model's and the training's, the validation text's, and the output's.</summary>
    public Command Create(string name, string description)
    {
        var command = new Command(name, description);
        Option[] options =
        [
            .. _text.Data, _cell, _hidden, _layers, _embed, _dropout, _batch, _window, _lr, _weightDecay, _clip, _schedule, _warmup, _sampling, _seed,
            _minutes, _steps, _evalEvery, _evalSteps, _checkpointEvery, _skipNonFinite, _patience, .. _text.Split, _outDir, _metrics, _sampleLength, _resume, _threads, _distributed,
        ];
        foreach (var option in options) command.Add(option);
        command.SetAction(parse => CliErrors.Run(parse, () => Run(parse)));
        return command;
    }

    /// <summary>The options a resumed run takes from its <c>run.json</c> and refuses on the command line.</summary>
    private Option[] Kept() =>
        [_cell, _hidden, _layers, _embed, _dropout, _batch, _window, _lr, _weightDecay, _clip, _schedule, _warmup, _sampling, _seed, _evalEvery, _evalSteps, _checkpointEvery, _patience, .. _text.Split];

    private int Run(ParseResult parse)
    {
        // Under mpirun every rank runs this command; rank 0 alone prints and writes to --out (DistributedRun).
        var distributed = DistributedRun.Start(parse.GetValue(_distributed)!);
        bool primary = distributed.IsPrimary;
        CommonOptions.ApplyThreads(parse.GetValue(_threads));
        string output = parse.GetValue(_outDir)!;
        string metricsPath = parse.GetValue(_metrics) ?? Path.Combine(output, "metrics.jsonl");
        string lastPath = Path.Combine(output, Trainer<TextBatch>.LastCheckpoint);
        double? budgetMinutes = parse.GetValue(_minutes);
        long? budgetSteps = parse.GetValue(_steps);
        if (budgetMinutes is { } bm) Limits.Positive(bm, Limits.Minutes, "--minutes");
        if (budgetSteps is { } bs && bs <= 0) throw new UsageException($"--steps must be positive; got {bs}.");
        int length = parse.GetValue(_sampleLength);
        if (length is < 0 or > Limits.SampleLength) throw new UsageException($"--sample-length must be an integer from 0 to {Limits.SampleLength:N0}; got {length}.");
        if (File.Exists(output)) throw new UsageException($"--out: '{output}' is a file; expected a folder.");
        if (Directory.Exists(metricsPath)) throw new UsageException($"--metrics: '{metricsPath}' is a directory; expected a file.");

        // The lock on --out is taken before the run reads or writes anything there (and after the checks that need
        // no directory), so that two runs on one --out cannot interleave.
        RunDirectoryLock? runLock = null;
        using var releaseLock = new LockRelease(() => runLock?.Dispose());
        CharLmRun run;
        CharLmTexts text;
        CharLanguageModel<float> model;
        bool resuming = parse.GetValue(_resume);
        if (resuming)
        {
            if (Kept().FirstOrDefault(o => parse.GetResult(o) is { Implicit: false }) is { } given)
            {
                throw new UsageException($"{given.Name} conflicts with --resume: a resumed run keeps the model and options of its {CharLmRun.FileName}; only --minutes, --steps, {_text.DataName}, --metrics, --sample-length, --skip-nonfinite and --threads apply.");
            }
            if (!File.Exists(lastPath)) throw new UsageException($"--resume: {lastPath} does not exist; there is no run in {output} to continue{(primary ? "" : " (every rank reads the checkpoint: --out must be on storage they share)")}.");
            if (primary) runLock = RunDirectoryLock.Acquire(output);
            run = CharLmRun.Read(output);
            if (budgetMinutes is not null || budgetSteps is not null) run = run with { Minutes = budgetMinutes, Steps = budgetSteps };
            if (parse.GetValue(_skipNonFinite) is > 0 and var skip) run = run with { SkipNonFinite = skip };
            (model, var vocabulary) = CharLmFiles.Load(lastPath, "--resume");
            text = LoadTexts(run with { Corpus = _text.DataOnResume(parse) ?? run.Corpus }, vocabulary);
            if (primary) CommonOptions.PrepareOutputFolder(output, "--out");
        }
        else
        {
            if (primary && File.Exists(lastPath))
            {
                throw new UsageException($"{output} already holds a run ({Trainer<TextBatch>.LastCheckpoint}); pass --resume to continue it, or choose another --out.");
            }
            run = _text.Configure(parse, new CharLmRun());
            double learningRate = Limits.Positive(parse.GetValue(_lr), Limits.LearningRate, "--lr");
            run = run with
            {
                Batch = Limits.Size(parse.GetValue(_batch), Limits.Batch, "--batch"),
                Window = Limits.Size(parse.GetValue(_window), Limits.Window, "--window"),
                LearningRate = learningRate,
                WeightDecay = Limits.NonNegative(parse.GetValue(_weightDecay), 1 / learningRate, "--weight-decay"),
                Clip = Limits.NonNegative(parse.GetValue(_clip), double.MaxValue, "--clip"),
                Cosine = parse.GetValue(_schedule) == "cosine",
                WarmupSteps = (int)NonNegative(parse.GetValue(_warmup), "--warmup"),
                Stream = parse.GetValue(_sampling) == "stream",
                Seed = parse.GetValue(_seed),
                Minutes = budgetMinutes ?? (budgetSteps is null ? 3.0 : null),
                Steps = budgetSteps,
                EvalEverySeconds = Limits.Positive(parse.GetValue(_evalEvery), Limits.Seconds, "--eval-every"),
                Patience = (int)NonNegative(parse.GetValue(_patience), "--patience"),
                EvalEverySteps = parse.GetValue(_evalSteps) is { } es ? CommonOptions.Positive(checked((int)Math.Min(es, int.MaxValue)), "--eval-steps") : null,
                CheckpointEverySteps = parse.GetValue(_checkpointEvery) is { } ce ? CommonOptions.Positive(checked((int)Math.Min(ce, int.MaxValue)), "--checkpoint-every") : null,
                SkipNonFinite = (int)NonNegative(parse.GetValue(_skipNonFinite), "--skip-nonfinite"),
            };
            double p = parse.GetValue(_dropout);
            if (!(p >= 0 && p < 1)) throw new UsageException($"--dropout must be in [0, 1); got {p}.");
            int e = Limits.Size(parse.GetValue(_embed), Limits.Embedding, "--embed");
            int h = Limits.Size(parse.GetValue(_hidden), Limits.Hidden, "--hidden"), l = Limits.Size(parse.GetValue(_layers), Limits.Layers, "--layers");
            var kind = ParseCell(parse.GetValue(_cell)!);
            text = LoadTexts(run, null);
            var vocabulary = text.Corpus.Vocabulary;
            CheckMemory(vocabulary.Count, e, h, l, kind, run.Batch, run.Window);
            var config = new CharModelConfig(vocabulary.Count, e, new RecurrentSpec { Cell = kind, HiddenSize = h, Layers = l, Dropout = p });
            model = new CharLanguageModel<float>(config, new Rng(run.Seed), vocabulary);
            if (primary)
            {
                CommonOptions.PrepareOutputFolder(output, "--out");
                runLock = RunDirectoryLock.Acquire(output);
                if (File.Exists(lastPath)) throw new UsageException($"{output} already holds a run ({Trainer<TextBatch>.LastCheckpoint}); pass --resume to continue it, or choose another --out.");
                run.Write(output);
                SamplesFile.Clear(output);
            }
            AnsiConsole.MarkupLine($"Training on [bold]{Markup.Escape(text.ToString())}[/]");
            AnsiConsole.MarkupLine($"Model: {Markup.Escape(Describe(model))} ({model.ParameterCount:N0} parameters)");
        }
        if (distributed.Describe(run.Batch) is { } line) AnsiConsole.MarkupLine(Markup.Escape(line));
        var trainer = new Trainer<TextBatch>(model, model.Loss, run.ToTrainerOptions(output, metricsPath) with { ProcessGroup = distributed.Group });
        if (resuming)
        {
            trainer.Resume(lastPath);
            AnsiConsole.MarkupLine($"Resuming [bold]{Markup.Escape(lastPath)}[/] at step {trainer.Step} ({trainer.WallSeconds:F0} s of training).");
        }
        IBatchSource<TextBatch> source = run.Stream
            ? new StreamBatcher(text.Corpus, run.Batch, run.Window)
            : new RandomWindowBatcher(text.Corpus, run.Batch, run.Window, new Rng(run.Seed ^ 0x5A5A_1234_ABCD_0001UL));
        return Train(trainer, source, text.ValidationWindows(run.Window), text.Corpus, output, metricsPath, length, run.Seed, primary);
    }

    /// <summary>
    /// The texts of a run: <see cref="CharLmRun.Corpus"/> (the built-in corpus when null), validated on its end
    /// (<see cref="CharLmRun.ValidationFraction"/>) or on the separate text <see cref="CharLmRun.Validation"/>, whose
    /// characters must all be in the vocabulary of the training text (or the checkpoint's when resuming).
    /// </summary>
    private CharLmTexts LoadTexts(CharLmRun run, CharVocabulary? vocabulary)
    {
        if (run.Validation is not { } validationPath) return new CharLmTexts(LoadCorpus(run.Corpus, run.ValidationFraction, vocabulary), null);
        var corpus = LoadCorpus(run.Corpus, 0, vocabulary);
        CharCorpus validation;
        try
        {
            validation = CommonOptions.ReadInput("--valid", validationPath, () => CharCorpus.Load(validationPath, 0, corpus.Vocabulary));
        }
        catch (InvalidDataException e) when (e.InnerException is ArgumentException)
        {
            // A character the training text lacks: the model has no id for it (the vocabulary has no unknown symbol).
            throw new InvalidDataException($"--valid: {e.Message} The vocabulary is the training text's ({corpus.Name}).", e);
        }
        if (validation.Length < 2) throw new InvalidDataException($"--valid: {validationPath} has {validation.Length} character; validation needs at least 2 (one predicted from the other).");
        return new CharLmTexts(corpus, validation);
    }

    private CharCorpus LoadCorpus(string? path, double validationFraction, CharVocabulary? vocabulary) =>
        path is null ? BuiltInCorpus.Load(validationFraction, vocabulary)
        : CommonOptions.ReadInput(_text.DataName, path, () => CharCorpus.Load(path, validationFraction, vocabulary));

    private int Train(Trainer<TextBatch> trainer, IBatchSource<TextBatch> source, ValidationWindowBatcher validation, CharCorpus text,
        string output, string metricsPath, int sampleLength, ulong seed, bool primary)
    {
        var model = (CharLanguageModel<float>)trainer.Model;
        var progressLine = new ProgressLine();
        var sampler = new CharSampler(model, text.Vocabulary);
        var sampleRng = new Rng(seed ^ 0xC0FFEE);
        using var cancel = new CtrlCCancellation(progressLine);
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
                if (sampleLength > 0 && primary)
                {
                    var sample = new StringBuilder();
                    foreach (char c in sampler.Generate("", sampleLength, 0.8, 0, sampleRng)) sample.Append(c);
                    AnsiConsole.WriteLine(sample.ToString());
                    AnsiConsole.WriteLine();
                    SamplesFile.Append(output, record.Step, record.WallSeconds, record.ValidationLoss, sample.ToString());
                }
            });
            result = trainer.Fit(source, validation, progress, cancel.Token);
        }
        finally
        {
            progressLine.Clear();
        }
        if (!primary) return result.Reason == StopReason.Cancelled ? 130 : 0; // rank 0 reports and plots

        var table = new Table().AddColumns("wall s", "step", "chars", "train loss", "val loss");
        foreach (var r in result.History)
        {
            table.AddRow(r.WallSeconds.ToString("F0", CultureInfo.InvariantCulture), r.Step.ToString(CultureInfo.InvariantCulture),
                r.Examples.ToString(CultureInfo.InvariantCulture), r.TrainLoss.ToString("F4", CultureInfo.InvariantCulture),
                r.ValidationLoss?.ToString("F4", CultureInfo.InvariantCulture) ?? "-");
        }
        AnsiConsole.Write(table);
        var history = LossPlot.ReadHistory(metricsPath);
        string[] plots = history.Count > 0 ? LossPlot.Write(history, output, $"char-LM on {text.Name}") : [];
        double bestLoss = result.BestValidationLoss ?? double.NaN;
        AnsiConsole.MarkupLine(string.Create(CultureInfo.InvariantCulture,
            $"{result.Reason}: best validation loss {bestLoss:F4} nats/char ({bestLoss / Math.Log(2):F3} bits/char), {trainer.Examples / Math.Max(trainer.WallSeconds, 1e-9) / 1000:F1}k chars/s."));
        string best = Path.Combine(output, Trainer<TextBatch>.BestCheckpoint);
        AnsiConsole.MarkupLine($"Checkpoints: {Markup.Escape(best)}, {Markup.Escape(Path.Combine(output, Trainer<TextBatch>.LastCheckpoint))}");
        AnsiConsole.MarkupLine($"Metrics: {Markup.Escape(metricsPath)}; plots: {Markup.Escape(string.Join(", ", plots))}");
        AnsiConsole.MarkupLine(Markup.Escape(_nextStep(best)));
        return result.Reason == StopReason.Cancelled ? 130 : 0;
    }

    private static string Describe(CharLanguageModel<float> model)
    {
        var c = model.Config;
        return $"embedding {c.EmbeddingSize} → {c.Rnn.Layers}×{c.Rnn.Cell} {c.Rnn.HiddenSize} → linear {c.VocabularySize}";
    }

    /// <summary>Refuses, before it allocates, a model and batch whose training would not fit in memory.</summary>
    internal static void CheckMemory(int vocabulary, int embed, int hidden, int layers, CellKind cell, int batch, int window)
    {
        double parameters = (double)vocabulary * embed + Limits.RecurrentParameters(cell, embed, hidden, layers) + (double)vocabulary * (hidden + 1);
        Limits.Memory(Limits.TrainingBytes(parameters, cell, batch, window, embed, hidden, layers, vocabulary),
            $"Training a model of --hidden {hidden}, --layers {layers}, --embed {embed} (V = {vocabulary}) on --batch {batch} × --window {window}");
    }

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
