using System.Text.Json;
using System.Text.Json.Serialization;
using Recurrent.Training;

namespace Recurrent.Cli.Commands;

/// <summary>
/// The settings of a <c>charlm train</c> or <c>train lm</c> run, kept as <c>run.json</c> in its output directory so
/// that <c>--resume</c> continues with the data and options it started with. (The model file itself holds no local path.)
/// </summary>
internal sealed record CharLmRun
{
    public const string FileName = "run.json";

    /// <summary>The training text; null for the built-in corpus.</summary>
    public string? Corpus { get; init; }

    /// <summary>The share of <see cref="Corpus"/>, at its end, held out for validation (unused with <see cref="Validation"/>).</summary>
    public double ValidationFraction { get; init; } = 0.1;

    /// <summary>A separate validation text (<c>train lm --valid</c>), or null to validate on the end of <see cref="Corpus"/>.</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? Validation { get; init; }

    public int Batch { get; init; } = 32;
    public int Window { get; init; } = 64;
    public double LearningRate { get; init; } = 2e-3;
    public double WeightDecay { get; init; }
    public double Clip { get; init; } = 5;
    public bool Cosine { get; init; }
    public int WarmupSteps { get; init; } = 100;
    public bool Stream { get; init; }
    public ulong Seed { get; init; } = 1337;
    public double? Minutes { get; init; }
    public long? Steps { get; init; }
    public double EvalEverySeconds { get; init; } = 30;
    public int Patience { get; init; }
    public long? EvalEverySteps { get; init; }
    public long? CheckpointEverySteps { get; init; }
    public int SkipNonFinite { get; init; }

    public TrainerOptions ToTrainerOptions(string output, string metricsPath) => new()
    {
        Optimizer = WeightDecay > 0 ? OptimizerKind.AdamW : OptimizerKind.Adam,
        LearningRate = LearningRate,
        WeightDecay = WeightDecay,
        ClipNorm = Clip,
        Schedule = Cosine ? ScheduleKind.Cosine : ScheduleKind.Constant,
        WarmupSteps = WarmupSteps,
        Seed = Seed,
        Duration = Minutes is { } m ? TimeSpan.FromMinutes(m) : null,
        Steps = Steps,
        ValidateEvery = EvalEverySteps is null ? TimeSpan.FromSeconds(EvalEverySeconds) : null,
        ValidateEverySteps = EvalEverySteps,
        CheckpointEverySteps = CheckpointEverySteps,
        SkipNonFinite = SkipNonFinite,
        LockCheckpointDirectory = false, // the command holds the lock from its start
        MetricsFile = metricsPath,
        Patience = Patience,
        CheckpointDirectory = output,
    };

    public void Write(string directory)
    {
        OutputFile.WriteAllText(Path.Combine(directory, FileName), JsonSerializer.Serialize(this, new JsonSerializerOptions { WriteIndented = true }));
    }

    /// <summary>Checks settings read back from a file (edited or damaged by hand) as <c>charlm train</c> checks its options.</summary>
    private void Validate(string path)
    {
        string At(string key) => $"{path}: {key}";
        Limits.Size(Batch, Limits.Batch, At(nameof(Batch)));
        Limits.Size(Window, Limits.Window, At(nameof(Window)));
        Limits.Positive(LearningRate, Limits.LearningRate, At(nameof(LearningRate)));
        Limits.NonNegative(WeightDecay, 1 / LearningRate, At(nameof(WeightDecay)));
        Limits.NonNegative(Clip, double.MaxValue, At(nameof(Clip)));
        Limits.NonNegative(WarmupSteps, int.MaxValue, At(nameof(WarmupSteps)));
        Limits.Positive(EvalEverySeconds, Limits.Seconds, At(nameof(EvalEverySeconds)));
        Limits.NonNegative(Patience, int.MaxValue, At(nameof(Patience)));
        if (Validation is null && !(ValidationFraction > 0 && ValidationFraction < 1)) throw new InvalidDataException($"{At(nameof(ValidationFraction))} must be in (0, 1); got {ValidationFraction}.");
        if (Minutes is { } m) Limits.Positive(m, Limits.Minutes, At(nameof(Minutes)));
        if (Steps is <= 0) throw new InvalidDataException($"{At(nameof(Steps))} must be positive; got {Steps}.");
    }

    public static CharLmRun Read(string directory)
    {
        string path = Path.Combine(directory, FileName);
        if (!File.Exists(path)) throw new UsageException($"--resume: {path} does not exist; the run in {directory} cannot be continued.");
        try
        {
            var run = JsonSerializer.Deserialize<CharLmRun>(File.ReadAllText(path)) ?? throw new InvalidDataException($"{path}: the run's settings are empty.");
            run.Validate(path);
            return run;
        }
        catch (JsonException e)
        {
            throw new InvalidDataException($"{path}: the run's settings are not valid JSON ({e.Message}).", e);
        }
    }
}
