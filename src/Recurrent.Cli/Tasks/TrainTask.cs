using System.CommandLine;
using System.Globalization;
using Recurrent.Cli.Plotting;
using Recurrent.Data;
using Recurrent.Serialization;
using Recurrent.Tensors;
using Recurrent.Training;
using Spectre.Console;

namespace Recurrent.Cli.Tasks;

/// <summary>
/// <c>recurrent train classify|tag|forecast|seq2seq</c>: reads the user's file, learns the vocabularies, classes and
/// feature statistics from its training split, builds the task's model, trains it with the library's
/// <see cref="Trainer{TBatch}"/> (progress line, metrics JSONL, loss plots, best and last checkpoints), and scores
/// the best model on the validation data. <c>OUT/model.safetensors</c> is the model to ship: weights and schema.
/// </summary>
internal static class TrainTask
{
    public const string ModelFile = "model.safetensors";

    /// <summary>The file in a run folder that keeps the options the run was started with, for <c>--resume</c>.</summary>
    public const string RunFile = "task-run.json";

    public static Command Create(string task, string description)
    {
        var o = new TaskOptions(task);
        var command = new Command(task, description);
        foreach (var option in o.For()) command.Options.Add(option);
        var resume = new Option<bool>("--resume") { Description = "Continue the run in --out from its last checkpoint with the options it started with (a new --epochs/--minutes/--steps replaces the budget)." };
        command.Options.Add(resume);
        var distributed = DistributedRun.Option();
        command.Options.Add(distributed);
        command.SetAction(parse => CliErrors.Run(parse, () =>
        {
            // Under mpirun every rank runs this command; rank 0 alone prints and writes to --out (DistributedRun).
            DistributedRun.Start(parse.GetValue(distributed)!);
            return parse.GetValue(resume) ? Resume(command, task, o, parse) : Run(task, o, parse, resuming: false);
        }));
        return command;
    }

    /// <summary>
    /// Re-reads the options a run started with from its <see cref="RunFile"/>, with a new budget if one is given, and
    /// continues it: the same data and schema build the same model, and the trainer's checkpoint restores the weights,
    /// optimizer, schedule and the position in the shuffled pass.
    /// </summary>
    private static int Resume(Command command, string task, TaskOptions o, ParseResult parse)
    {
        Option[] budget = [o.Epochs, o.Minutes, o.Steps];
        var given = parse.CommandResult.Children.OfType<System.CommandLine.Parsing.OptionResult>()
            .Where(r => !r.Implicit && r.Option.Name is not "--resume" and not "--out" and not "--threads" and not "--distributed" && !budget.Contains(r.Option)).Select(r => r.Option.Name).FirstOrDefault();
        if (given is not null) throw new UsageException($"{given} conflicts with --resume: a resumed run keeps the data and options of its {RunFile}; only --out, --epochs, --minutes, --steps, --threads and --distributed apply.");
        string output = parse.GetValue(o.Out)!;
        string runFile = Path.Combine(output, RunFile), last = Path.Combine(output, Trainer<TaskBatch>.LastCheckpoint);
        if (!File.Exists(runFile) || !File.Exists(last)) throw new UsageException($"--resume: {output} holds no run of 'recurrent train {task}' to continue ({RunFile} and {Trainer<TaskBatch>.LastCheckpoint} are needed).");
        string[] stored;
        try
        {
            stored = System.Text.Json.JsonSerializer.Deserialize<string[]>(File.ReadAllText(runFile)) ?? throw new System.Text.Json.JsonException("null");
        }
        catch (System.Text.Json.JsonException e)
        {
            throw new InvalidDataException($"{runFile}: not the option list of a run ({e.Message.ReplaceLineEndings(" ")}).");
        }
        var tokens = new List<string>(stored);
        bool newBudget = budget.Any(b => parse.GetResult(b) is { Implicit: false });
        if (newBudget)
        {
            // The stored budget gives way to the new one.
            for (int i = tokens.Count - 2; i >= 0; i--)
            {
                if (budget.Any(b => b.Name == tokens[i])) tokens.RemoveRange(i, 2);
            }
            foreach (var b in budget)
            {
                if (parse.GetResult(b) is { Implicit: false } r) tokens.AddRange([b.Name, string.Join(' ', r.Tokens.Select(t => t.Value))]);
            }
        }
        if (parse.GetValue(o.Threads) is { } threads) tokens.AddRange(["--threads", threads.ToString(System.Globalization.CultureInfo.InvariantCulture)]);
        tokens.AddRange(["--out", output]);
        var again = command.Parse(tokens);
        if (again.Errors.Count > 0) throw new InvalidDataException($"{runFile}: its options no longer parse ({again.Errors[0].Message.ReplaceLineEndings(" ")}).");
        return Run(task, o, again, resuming: true);
    }

    private static int Run(string task, TaskOptions o, ParseResult parse, bool resuming)
    {
        var distributed = DistributedRun.Current!;
        bool primary = distributed.IsPrimary;
        CommonOptions.ApplyThreads(parse.GetValue(o.Threads));
        string dataPath = parse.GetValue(o.Data) ?? throw new UsageException("--data FILE is required: the training data."), output = parse.GetValue(o.Out)!;
        string? validPath = parse.GetValue(o.Valid);
        double fraction = parse.GetValue(o.ValidFraction);
        if (!(fraction >= 0 && fraction < 1)) throw new UsageException($"--valid-fraction must be in [0, 1); got {fraction}.");
        if (task != "forecast" && fraction == 0 && validPath is null) throw new UsageException("--valid-fraction 0 leaves no validation data; give --valid FILE or a fraction in (0, 1).");
        if (!File.Exists(dataPath) && !Directory.Exists(dataPath)) throw new UsageException($"--data: '{dataPath}' does not exist.");
        if (validPath is not null && !File.Exists(validPath)) throw new UsageException($"--valid: '{validPath}' does not exist.");
        if (!resuming && primary && File.Exists(Path.Combine(output, Trainer<TaskBatch>.LastCheckpoint))) throw new UsageException($"{output} already holds a run ({Trainer<TaskBatch>.LastCheckpoint}); pass --resume to continue it, or choose another --out.");
        var budget = Budget(o, parse, task);
        var choices = o.Model(parse);
        var schema = o.Schema(parse, dataPath);
        int batchSize = Limits.Size(parse.GetValue(o.Batch), Limits.Batch, "--batch");
        ulong seed = parse.GetValue(o.Seed);

        TaskData training, validation;
        SeriesData? series = null;
        (int First, int Last) validRows = default;
        int maxTarget = 0;
        if (task == "forecast")
        {
            series = CommonOptions.ReadInput("--data", dataPath, () => SeriesData.Read(dataPath, schema));
            (training, validation, schema, validRows) = ForecastSplits(series, schema, parse.GetValue(o.From), parse.GetValue(o.To), fraction);
        }
        else
        {
            var rows = CommonOptions.ReadInput("--data", dataPath, () => SampleReader.Read(dataPath, schema, labelled: true));
            List<RawSample> train, valid;
            if (validPath is not null)
            {
                (train, valid) = (rows, CommonOptions.ReadInput("--valid", validPath, () => SampleReader.Read(validPath, schema, labelled: true)));
            }
            else
            {
                (train, valid) = Split(rows, fraction, seed);
            }
            if (train.Count == 0 || valid.Count == 0) throw new UsageException($"the split leaves {train.Count} training and {valid.Count} validation samples; both need at least one.");
            schema = TaskData.Learn(schema, train);
            training = TaskData.Encode(schema, train, dataPath, labelled: true);
            validation = TaskData.Encode(schema, valid, validPath ?? dataPath, labelled: task != "seq2seq");
            maxTarget = training.Targets.Length == 0 ? 0 : training.Targets.Max(t => t.Length);
        }
        var model = TaskModel.Create(schema, choices, Math.Max(1, maxTarget + Math.Max(5, maxTarget / 2)), seed);
        string metricsPath = Path.Combine(output, "metrics.jsonl");
        if (primary) CommonOptions.PrepareOutputFolder(output, "--out");
        if (!resuming && primary)
        {
            if (File.Exists(metricsPath)) File.Delete(metricsPath);
            // The options as given, minus --out (a resumed run names its folder), so that --resume can rebuild the run.
            var tokens = parse.Tokens.SkipWhile(t => t.Type == System.CommandLine.Parsing.TokenType.Command).Select(t => t.Value).ToList();
            for (int i = tokens.Count - 2; i >= 0; i--) if (tokens[i] == "--out") tokens.RemoveRange(i, 2);
            OutputFile.WriteAllText(Path.Combine(output, RunFile), System.Text.Json.JsonSerializer.Serialize(tokens));
        }

        AnsiConsole.MarkupLine(Markup.Escape($"{task}: {training.Count:N0} training and {validation.Count:N0} validation samples from {dataPath}{(validPath is null ? "" : " and " + validPath)}"));
        AnsiConsole.MarkupLine(Markup.Escape($"Model: {Describe(model, choices)} ({model.Module.ParameterCount:N0} parameters)"));
        var options = new TrainerOptions
        {
            Optimizer = parse.GetValue(o.WeightDecay) > 0 ? OptimizerKind.AdamW : OptimizerKind.Adam,
            LearningRate = Limits.Positive(parse.GetValue(o.Lr), Limits.LearningRate, "--lr"),
            WeightDecay = Limits.NonNegative(parse.GetValue(o.WeightDecay), 1, "--weight-decay"),
            ClipNorm = Limits.NonNegative(parse.GetValue(o.Clip), double.MaxValue, "--clip"),
            Schedule = parse.GetValue(o.Schedule) == "cosine" ? ScheduleKind.Cosine : ScheduleKind.Constant,
            WarmupSteps = Math.Max(0, parse.GetValue(o.Warmup)),
            Epochs = budget.Epochs, Steps = budget.Steps, Duration = budget.Duration,
            Patience = Math.Max(0, parse.GetValue(o.Patience)),
            Seed = seed,
            CheckpointDirectory = output,
            MetricsFile = metricsPath,
            ProcessGroup = distributed.Group,
        };
        if (distributed.Describe(batchSize) is { } line) AnsiConsole.MarkupLine(Markup.Escape(line));
        var trainer = new Trainer<TaskBatch>(model.Module, model.Loss, options);
        if (resuming)
        {
            trainer.Resume(Path.Combine(output, Trainer<TaskBatch>.LastCheckpoint));
            AnsiConsole.MarkupLine(Markup.Escape($"Resuming at step {trainer.Step} ({trainer.WallSeconds:F0} s of training)."));
        }
        var source = new TaskBatches(training, batchSize, new Rng(seed ^ 0xDA7A_5EED));
        var check = validation.Count > 0 && (task != "forecast" || validation.Values.Length > 0) ? new TaskBatches(validation, 256, null) : null;
        var result = Fit(trainer, source, check, task == "forecast" ? "MSE (standardised)" : "nats");
        if (!primary) return result.Reason == StopReason.Cancelled ? 130 : 0; // rank 0 ships the model, plots and scores

        // The model to ship is the best validated one (the last when there is no validation), without optimizer state.
        string best = Path.Combine(output, check is null ? Trainer<TaskBatch>.LastCheckpoint : Trainer<TaskBatch>.BestCheckpoint);
        var trained = TaskModel.Load(best);
        string shipped = Path.Combine(output, ModelFile);
        trained.Module.Save(shipped);
        // The metrics file holds the whole run, the parts before a --resume included.
        var history = LossPlot.ReadHistory(metricsPath);
        if (history.Count > 0) LossPlot.Write(history, output, $"{task} on {Path.GetFileName(dataPath)}", task == "forecast" ? "mean squared error (standardised)" : "cross-entropy (nats)");
        AnsiConsole.MarkupLine(Markup.Escape($"{result.Reason}: {result.Steps:N0} steps, {trainer.WallSeconds:F0} s; best validation loss {result.BestValidationLoss?.ToString("F4", CultureInfo.InvariantCulture) ?? "-"}."));
        AnsiConsole.MarkupLine(Markup.Escape($"Model: {shipped}; checkpoints, metrics.jsonl and loss plots in {output}"));
        if (series is not null)
        {
            if (validation.Count > 0)
            {
                var fields = TaskEvaluation.Forecast(trained, series, validRows.First, validRows.Last, out int count);
                TaskEvaluation.Print(task, "validation rows", count, fields, json: false);
            }
        }
        else
        {
            TaskEvaluation.Run(trained, validation, validPath ?? "validation split", json: false, beam: 1,
                task == "classify" ? Path.Combine(output, "confusion.png") : null);
        }
        return result.Reason == StopReason.Cancelled ? 130 : 0;
    }

    private static TrainingResult Fit(Trainer<TaskBatch> trainer, TaskBatches source, TaskBatches? validation, string unit)
    {
        var progressLine = new ProgressLine("samples");
        using var cancel = new CtrlCCancellation(progressLine);
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
                bool isBest = record.ValidationLoss <= trainer.BestValidationLoss;
                AnsiConsole.MarkupLine(string.Create(CultureInfo.InvariantCulture,
                    $"[bold]epoch {record.Epoch} step {record.Step}[/]  {record.WallSeconds:F0} s  train {record.TrainLoss:F4}  val [bold]{record.ValidationLoss:F4}[/] {unit}{(isBest ? " (best)" : "")}"));
            });
            return trainer.Fit(source, validation, progress, cancel.Token);
        }
        finally
        {
            progressLine.Clear();
        }
    }

    private static (int? Epochs, long? Steps, TimeSpan? Duration) Budget(TaskOptions o, ParseResult parse, string task)
    {
        int? epochs = parse.GetValue(o.Epochs);
        double? minutes = parse.GetValue(o.Minutes);
        long? steps = parse.GetValue(o.Steps);
        if (epochs is <= 0) throw new UsageException($"--epochs must be positive; got {epochs}.");
        if (steps is <= 0) throw new UsageException($"--steps must be positive; got {steps}.");
        if (minutes is { } m) Limits.Positive(m, Limits.Minutes, "--minutes");
        if (epochs is null && minutes is null && steps is null) epochs = TaskOptions.DefaultEpochs(task);
        return (epochs, steps, minutes is { } mm ? TimeSpan.FromMinutes(mm) : null);
    }

    /// <summary>
    /// Holds out about <paramref name="fraction"/> of the samples, chosen by a hash of each sample's key (its input
    /// text, or its sequence id or line): the split does not depend on the file's order, and a word listed with several
    /// pronunciations lands on one side only.
    /// </summary>
    public static (List<RawSample> Train, List<RawSample> Valid) Split(List<RawSample> samples, double fraction, ulong seed)
    {
        var train = new List<RawSample>();
        var valid = new List<RawSample>();
        ulong threshold = (ulong)(fraction * ulong.MaxValue);
        foreach (var s in samples) (Hash(s.Key, seed) < threshold ? valid : train).Add(s);
        return (train, valid);
    }

    private static ulong Hash(string key, ulong seed)
    {
        ulong h = 14695981039346656037UL ^ seed;
        foreach (char c in key) h = (h ^ c) * 1099511628211UL;
        h ^= h >> 33; h *= 0xff51afd7ed558ccdUL; h ^= h >> 33; h *= 0xc4ceb9fe1a85ec53UL; h ^= h >> 33;
        return h;
    }

    private static (TaskData Training, TaskData Validation, DataSchema Schema, (int First, int Last) ValidRows) ForecastSplits(SeriesData series, DataSchema schema, string? from, string? to, double fraction)
    {
        var (first, last) = series.Range(from, to, "--from/--to");
        int start = first + SeriesData.FirstOrigin(schema);
        var origins = new List<int>();
        for (int t = start; t + schema.Horizon <= last; t++) origins.Add(t);
        if (origins.Count < 2) throw new UsageException($"the training range {series.Times[first]}–{series.Times[last]} holds {last - first + 1} rows: too few for --window {schema.Window} and --horizon {schema.Horizon}.");
        int held = (int)Math.Round(origins.Count * fraction);
        var trainOrigins = origins[..^held];
        // Statistics from the training rows only (differenced when the model reads differences).
        int features = series.Features, lastRow = trainOrigins[^1] + schema.Horizon;
        int firstRow = first + (schema.Difference ? 1 : 0);
        var rows = new double[(lastRow - firstRow + 1) * features];
        for (int r = firstRow; r <= lastRow; r++) for (int j = 0; j < features; j++) rows[(r - firstRow) * features + j] = series.Input(r, j, schema.Difference);
        var stats = Standardizer.Fit(rows, features);
        schema = schema with { Mean = [.. stats.Mean], Scale = [.. stats.Scale] };
        var validOrigins = origins[^held..];
        var validRows = held == 0 ? (0, -1) : (validOrigins[0] + 1, validOrigins[^1] + schema.Horizon);
        return (series.Windows(schema, stats, trainOrigins), series.Windows(schema, stats, validOrigins), schema, validRows);
    }

    private static string Describe(TaskModel model, ModelChoices c)
    {
        var s = model.Schema;
        string input = s.Symbolic ? $"embedding {c.Embed} of {s.InputVocabulary!.Length} symbols" : $"{s.Mean!.Length} features per step{(c.FrameEncoder > 0 ? $" → linear+relu {c.FrameEncoder}" : "")}";
        string rnn = $"{c.Layers}×{(c.Bidirectional && s.Task is "classify" or "tag" ? "bi" : "")}{c.Cell} {c.Hidden}";
        return s.Task switch
        {
            "seq2seq" => $"{input} → encoder {rnn} → decoder {rnn}{(c.Attention ? " with attention" : "")} → softmax over {s.Classes!.Length} symbols",
            "forecast" => $"window {s.Window} × {input} → {rnn} → last step → linear {s.Horizon * s.Targets!.Length}{(s.Difference ? " (differences)" : "")}",
            "tag" => $"{input} → {rnn} → every step → softmax over {s.Classes!.Length} tags",
            _ => $"{input} → {rnn} → {(c.Pooling == Models.SequencePooling.Mean ? "mean" : "last step")} → softmax over {s.Classes!.Length} classes",
        };
    }
}
