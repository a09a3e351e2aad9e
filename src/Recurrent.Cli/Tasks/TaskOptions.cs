using System.CommandLine;
using Recurrent.Cells;
using Recurrent.Data;
using Recurrent.Data.Files;
using Recurrent.Models;

namespace Recurrent.Cli.Tasks;

/// <summary>
/// The options of <c>recurrent train classify|tag|forecast|seq2seq</c>: where the data is and which columns to read,
/// the model, and the training budget, with defaults that fit each task.
/// </summary>
internal sealed class TaskOptions
{
    private readonly string _task;

    public TaskOptions(string task)
    {
        _task = task;
        bool forecast = task == "forecast", seq2seq = task == "seq2seq";
        Data = new Option<string?>("--data") { Description = "Training data: CSV/TSV with a header" + (forecast ? " (one row per time step)." : ", or JSONL (one object per sample).") + " Required, except with --resume." };
        Valid = new Option<string?>("--valid") { Description = "Validation data in the same format (default: --valid-fraction of --data)." };
        ValidFraction = new Option<double>("--valid-fraction")
        {
            Description = forecast ? "Share of the training rows (their end) held out for validation; 0 for none." : "Share of the samples held out for validation when there is no --valid (chosen by a hash of each sample, so repeated inputs stay together).",
            DefaultValueFactory = _ => forecast ? 0.0 : 0.1,
        };
        Out = new Option<string>("--out") { Description = "Directory for the model, checkpoints, metrics and plots.", DefaultValueFactory = _ => $"runs/{task}" };
        Input = new Option<string?>("--input") { Description = "Column (or JSONL field) with the input symbols: a word, a sentence. Default: the first column of a two-column file." };
        InputLevel = new Option<string>("--input-level") { Description = "chars or words: how --input splits into symbols.", DefaultValueFactory = _ => task == "tag" ? "words" : "chars" };
        InputLevel.AcceptOnlyFromAmong("chars", "words");
        Features = new Option<string?>("--features") { Description = forecast ? "Numeric columns read at every step (names, globs like 'x*', or ranges 'a:d'). Default: --target." : "Numeric columns read at every step instead of --input (names, globs like 'p*', or ranges 'p00:p77')." };
        StepFeatures = new Option<int>("--step-features") { Description = "With one row per sample: read its --features as consecutive steps of this many values (e.g. 8 for an 8×8 image read row by row)." };
        Sequence = new Option<string?>("--sequence") { Description = "With one row per step: the column naming each row's sequence." };
        Label = new Option<string?>("--label") { Description = task == "tag" ? "Column (or field) with one tag per input symbol or step." : "Column with each sample's class. Default: the last column of a two-column file." };
        Target = new Option<string?>("--target") { Description = forecast ? "Column(s) to forecast." : "Column (or JSONL field) with the target sequence. Default: the second column of a two-column file." };
        TargetLevel = new Option<string>("--target-level") { Description = "chars or words: how --target splits into symbols.", DefaultValueFactory = _ => "words" };
        TargetLevel.AcceptOnlyFromAmong("chars", "words");
        Time = new Option<string?>("--time") { Description = "The time column (used by --from/--to and in predictions)." };
        Window = new Option<int>("--window") { Description = "Steps of history each forecast reads.", DefaultValueFactory = _ => 12 };
        Horizon = new Option<int>("--horizon") { Description = "Steps forecast ahead.", DefaultValueFactory = _ => 1 };
        Difference = new Option<bool>("--difference") { Description = "Model first differences y[t] − y[t−1] instead of levels (for trending series)." };
        From = new Option<string?>("--from") { Description = "First time (value of --time, or row) of the training range." };
        To = new Option<string?>("--to") { Description = "Last time of the training range." };
        Missing = new Option<string>("--missing") { Description = "A missing numeric value: error (stop, naming file, line and column), drop (skip the row), or interpolate (linearly, along the sequence).", DefaultValueFactory = _ => "error" };
        Missing.AcceptOnlyFromAmong("error", "drop", "interpolate");
        Cell = new Option<string>("--cell") { Description = "lstm, gru (lecture form), gru-cudnn (PyTorch form), elman.", DefaultValueFactory = _ => forecast ? "gru" : "lstm" };
        Cell.AcceptOnlyFromAmong("lstm", "gru", "gru-cudnn", "elman");
        Hidden = new Option<int>("--hidden") { Description = "Hidden units per layer and direction, H.", DefaultValueFactory = _ => forecast ? 32 : seq2seq ? 256 : 128 };
        Layers = new Option<int>("--layers") { Description = "Stacked recurrent layers.", DefaultValueFactory = _ => 1 };
        Embed = new Option<int>("--embed") { Description = "Embedding size of input symbols.", DefaultValueFactory = _ => seq2seq ? 64 : 32 };
        Bidirectional = new Option<bool>("--bidirectional") { Description = "Read each sequence both ways: on by default; --bidirectional false reads forward only.", DefaultValueFactory = _ => task is "classify" or "tag" };
        Pooling = new Option<string>("--pooling") { Description = "classify: last (the last step's state, and the first step's for the backward direction) or mean (over the steps).", DefaultValueFactory = _ => "last" };
        Pooling.AcceptOnlyFromAmong("last", "mean");
        Dropout = new Option<double>("--dropout") { Description = "Dropout between stacked layers.", DefaultValueFactory = _ => 0.0 };
        InputDropout = new Option<double>("--input-dropout") { Description = "Dropout on the embedded symbols or encoded features the recurrent layer reads (training only).", DefaultValueFactory = _ => 0.0 };
        OutputDropout = new Option<double>("--output-dropout") { Description = "Dropout on the states the output layer reads (training only).", DefaultValueFactory = _ => 0.0 };
        FrameEncoder = new Option<int>("--frame-encoder") { Description = "Numeric inputs: size of a linear + relu layer applied to every step first (0: none).", DefaultValueFactory = _ => 0 };
        Attention = new Option<bool>("--attention") { Description = "seq2seq: the decoder attends over the encoder's outputs (Luong).", DefaultValueFactory = _ => true };
        Epochs = new Option<int?>("--epochs") { Description = $"Budget: passes over the training data (default {DefaultEpochs(task)} when no --minutes or --steps)." };
        Minutes = new Option<double?>("--minutes") { Description = "Budget: minutes of training (validation excluded)." };
        Steps = new Option<long?>("--steps") { Description = "Budget: optimiser steps." };
        Batch = new Option<int>("--batch") { Description = "Samples per step, B.", DefaultValueFactory = _ => forecast ? 16 : 64 };
        Lr = new Option<double>("--lr") { Description = "Peak learning rate (Adam).", DefaultValueFactory = _ => forecast ? 3e-3 : 2e-3 };
        WeightDecay = new Option<double>("--weight-decay") { Description = "Decoupled weight decay (AdamW when positive).", DefaultValueFactory = _ => 0.0 };
        Clip = new Option<double>("--clip") { Description = "Gradient-norm clipping (0: off).", DefaultValueFactory = _ => 5.0 };
        Schedule = new Option<string>("--schedule") { Description = "constant, or cosine (warm-up then decay to lr/10 over the budget).", DefaultValueFactory = _ => "cosine" };
        Schedule.AcceptOnlyFromAmong("constant", "cosine");
        Warmup = new Option<int>("--warmup") { Description = "Warm-up steps of the cosine schedule.", DefaultValueFactory = _ => 100 };
        Patience = new Option<int>("--patience") { Description = "Stop after this many validations without improvement (0: never).", DefaultValueFactory = _ => 0 };
        Seed = new Option<ulong>("--seed") { Description = "Seed of weights, order and dropout.", DefaultValueFactory = _ => 1337UL };
        Threads = CommonOptions.Threads();
    }

    public Option<string?> Data { get; }
    public Option<string?> Valid { get; }
    public Option<double> ValidFraction { get; }
    public Option<string> Out { get; }
    public Option<string?> Input { get; }
    public Option<string> InputLevel { get; }
    public Option<string?> Features { get; }
    public Option<int> StepFeatures { get; }
    public Option<string?> Sequence { get; }
    public Option<string?> Label { get; }
    public Option<string?> Target { get; }
    public Option<string> TargetLevel { get; }
    public Option<string?> Time { get; }
    public Option<int> Window { get; }
    public Option<int> Horizon { get; }
    public Option<bool> Difference { get; }
    public Option<string?> From { get; }
    public Option<string?> To { get; }
    public Option<string> Missing { get; }
    public Option<string> Cell { get; }
    public Option<int> Hidden { get; }
    public Option<int> Layers { get; }
    public Option<int> Embed { get; }
    public Option<bool> Bidirectional { get; }
    public Option<string> Pooling { get; }
    public Option<double> Dropout { get; }
    public Option<int> FrameEncoder { get; }
    public Option<double> InputDropout { get; }
    public Option<double> OutputDropout { get; }
    public Option<bool> Attention { get; }
    public Option<int?> Epochs { get; }
    public Option<double?> Minutes { get; }
    public Option<long?> Steps { get; }
    public Option<int> Batch { get; }
    public Option<double> Lr { get; }
    public Option<double> WeightDecay { get; }
    public Option<double> Clip { get; }
    public Option<string> Schedule { get; }
    public Option<int> Warmup { get; }
    public Option<int> Patience { get; }
    public Option<ulong> Seed { get; }
    public Option<int?> Threads { get; }

    /// <summary>The options this task takes, in help order.</summary>
    public IEnumerable<Option> For()
    {
        yield return Data;
        if (_task != "forecast") yield return Valid;
        yield return ValidFraction; yield return Out;
        if (_task == "forecast")
        {
            yield return Target; yield return Features; yield return Time; yield return Window; yield return Horizon; yield return Difference; yield return From; yield return To;
        }
        else
        {
            yield return Input; yield return InputLevel;
            if (_task != "seq2seq") { yield return Features; yield return StepFeatures; yield return Sequence; yield return Label; }
            else { yield return Target; yield return TargetLevel; }
        }
        yield return Missing;
        yield return Cell; yield return Hidden; yield return Layers;
        if (_task != "forecast") yield return Embed;
        if (_task is "classify" or "tag") yield return Bidirectional;
        if (_task == "classify") yield return Pooling;
        yield return Dropout;
        if (_task != "seq2seq") { yield return InputDropout; yield return OutputDropout; yield return FrameEncoder; }
        if (_task == "seq2seq") yield return Attention;
        yield return Epochs; yield return Minutes; yield return Steps; yield return Batch; yield return Lr; yield return WeightDecay; yield return Clip;
        yield return Schedule; yield return Warmup; yield return Patience; yield return Seed; yield return Threads;
    }

    public static int DefaultEpochs(string task) => task switch { "forecast" => 300, "seq2seq" => 20, _ => 10 };

    /// <summary>The schema the options describe, columns checked against the data file's header.</summary>
    public DataSchema Schema(ParseResult parse, string dataPath)
    {
        var missing = Enum.Parse<MissingValues>(parse.GetValue(Missing)!, ignoreCase: true);
        if (_task == "forecast") return ForecastSchema(parse, dataPath, missing);
        string? input = parse.GetValue(Input), features = parse.GetValue(Features), sequence = parse.GetValue(Sequence);
        string? label = _task == "seq2seq" ? parse.GetValue(Target) : parse.GetValue(Label);
        int stepFeatures = parse.GetValue(StepFeatures);
        if (input is not null && features is not null) throw new UsageException("--input and --features both given; a sample reads symbols (--input) or numbers (--features), not both.");
        if (stepFeatures < 0) throw new UsageException($"--step-features must be positive; got {stepFeatures}.");
        string[]? featureNames = null;
        if (SampleReader.IsJsonLines(dataPath))
        {
            input ??= "input";
            label ??= _task switch { "seq2seq" => "target", "tag" => "tags", _ => "label" };
        }
        else
        {
            using var reader = CommonOptions.ReadInput("--data", dataPath, () => DelimitedReader.Open(dataPath));
            if (input is null && features is null)
            {
                if (reader.Columns.Count != 2) throw new UsageException($"--data has {reader.Columns.Count} columns ({string.Join(", ", reader.Columns.Take(8))}); say which to read with --input (symbols) or --features (numbers).");
                input = reader.Columns[0];
            }
            if (label is null)
            {
                if (reader.Columns.Count != 2) throw new UsageException($"say which column holds the {(_task == "seq2seq" ? "target with --target" : "label with --label")}.");
                label = reader.Columns[^1];
            }
            if (features is not null)
            {
                featureNames = [.. reader.SelectColumns(features).Select(i => reader.Columns[i])];
                if (featureNames.Contains(label)) throw new UsageException($"--features includes the label column '{label}'.");
            }
            if (input is not null) reader.Column(input);
            reader.Column(label);
            if (sequence is not null) reader.Column(sequence);
        }
        if (featureNames is not null)
        {
            if (stepFeatures > 0 && sequence is not null) throw new UsageException("--step-features (one row per sample) and --sequence (one row per step) both given; choose one layout.");
            if (stepFeatures > 0 && featureNames.Length % stepFeatures != 0) throw new UsageException($"--features selects {featureNames.Length} columns, not a multiple of --step-features {stepFeatures}.");
            if (stepFeatures == 0 && sequence is null) stepFeatures = featureNames.Length; // one row per sample, one step
        }
        return new DataSchema
        {
            Task = _task, Input = input, Features = featureNames, StepFeatures = sequence is null ? stepFeatures : 0, Sequence = sequence,
            InputLevel = Level(parse.GetValue(InputLevel)!), Label = label, LabelLevel = Level(parse.GetValue(TargetLevel)!), Missing = missing,
        };
    }

    private DataSchema ForecastSchema(ParseResult parse, string dataPath, MissingValues missing)
    {
        using var reader = CommonOptions.ReadInput("--data", dataPath, () => DelimitedReader.Open(dataPath));
        string? time = parse.GetValue(Time);
        if (time is not null) reader.Column(time);
        string target = parse.GetValue(Target) ?? (reader.Columns.Count == 2 && time is not null ? reader.Columns.First(c => c != time) : throw new UsageException("say which column(s) to forecast with --target."));
        string[] targets = [.. reader.SelectColumns(target).Select(i => reader.Columns[i])];
        string[] features = parse.GetValue(Features) is { } f ? [.. reader.SelectColumns(f).Select(i => reader.Columns[i])] : targets;
        features = [.. features.Union(targets)];
        if (time is not null && features.Contains(time)) throw new UsageException($"--features includes the time column '{time}'.");
        int window = Limits.Size(parse.GetValue(Window), 100_000, "--window"), horizon = Limits.Size(parse.GetValue(Horizon), 10_000, "--horizon");
        return new DataSchema
        {
            Task = "forecast", Features = features, Targets = targets, Time = time, Window = window, Horizon = horizon,
            Difference = parse.GetValue(Difference), Missing = missing,
        };
    }

    public ModelChoices Model(ParseResult parse)
    {
        double dropout = Probability(parse, Dropout), input = Probability(parse, InputDropout), output = Probability(parse, OutputDropout);
        return new ModelChoices(
            parse.GetValue(Cell) switch { "gru" => CellKind.Gru, "gru-cudnn" => CellKind.CudnnGru, "elman" => CellKind.Elman, _ => CellKind.Lstm },
            Limits.Size(parse.GetValue(Hidden), Limits.Hidden, "--hidden"), Limits.Size(parse.GetValue(Layers), Limits.Layers, "--layers"),
            _task == "forecast" ? 1 : Limits.Size(parse.GetValue(Embed), Limits.Embedding, "--embed"), parse.GetValue(Bidirectional),
            parse.GetValue(Pooling) == "mean" ? SequencePooling.Mean : SequencePooling.LastStep, dropout,
            parse.GetValue(FrameEncoder) is >= 0 and var fe ? fe : throw new UsageException($"--frame-encoder must be 0 or positive; got {parse.GetValue(FrameEncoder)}."),
            parse.GetValue(Attention), input, output);
    }

    private static double Probability(ParseResult parse, Option<double> option)
    {
        double p = parse.GetValue(option);
        return p >= 0 && p < 1 ? p : throw new UsageException($"{option.Name} must be in [0, 1); got {p}.");
    }

    public static SymbolLevel Level(string name) => name == "words" ? SymbolLevel.Words : SymbolLevel.Characters;
}
