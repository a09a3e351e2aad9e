using System.Globalization;
using System.Text.Json.Nodes;

namespace Recurrent.Training;

/// <summary>How training windows are drawn from the training split.</summary>
public enum WindowSampling
{
    /// <summary>B windows at random offsets each step, every window from a zero state (nanoGPT, the libtorch peer).</summary>
    Random,

    /// <summary>
    /// B contiguous streams read window after window, the state carried from one window to the next: truncated
    /// backpropagation through time as char-rnn does it.
    /// </summary>
    Stream,
}

/// <summary>The learning-rate schedule of a run.</summary>
public enum ScheduleKind
{
    /// <summary>The same rate throughout.</summary>
    Constant,

    /// <summary>Linear warm-up, then cosine decay to a tenth of the rate over the budget (steps, or wall time).</summary>
    Cosine,
}

/// <summary>Everything that shapes a character-model training run besides the model and the corpus.</summary>
public sealed record CharLmTrainingOptions
{
    /// <summary>B, windows per step. Default 32.</summary>
    public int Batch { get; init; } = 32;

    /// <summary>T, characters per window (the length of backpropagation through time). Default 64.</summary>
    public int Window { get; init; } = 64;

    /// <summary>Peak learning rate of Adam (AdamW with <see cref="WeightDecay"/>). Default 2e-3.</summary>
    public double LearningRate { get; init; } = 2e-3;

    /// <summary>Decoupled weight decay; 0 (the default) selects Adam, anything else AdamW.</summary>
    public double WeightDecay { get; init; }

    /// <summary>Largest global gradient norm; larger gradients are scaled down to it (0: no clipping). Default 5.</summary>
    public double Clip { get; init; } = 5;

    /// <summary>The learning-rate schedule. Default constant.</summary>
    public ScheduleKind Schedule { get; init; } = ScheduleKind.Constant;

    /// <summary>Steps of linear warm-up for <see cref="ScheduleKind.Cosine"/>. Default 100.</summary>
    public int WarmupSteps { get; init; } = 100;

    /// <summary>How windows are drawn. Default random.</summary>
    public WindowSampling Sampling { get; init; } = WindowSampling.Random;

    /// <summary>The run's seed: weights, windows and dropout masks all follow from it. Default 1337.</summary>
    public ulong Seed { get; init; } = 1337;

    /// <summary>Budget in minutes of training wall time (validation excluded), or null.</summary>
    public double? Minutes { get; init; }

    /// <summary>Budget in optimiser steps, or null. With neither budget, training runs until stopped.</summary>
    public long? Steps { get; init; }

    /// <summary>Seconds of training wall time between validations. Default 30.</summary>
    public double EvalEverySeconds { get; init; } = 30;

    /// <summary>Stop after this many validations without a new best (0: never). Default 0.</summary>
    public int Patience { get; init; }

    /// <summary>Windows evaluated together during validation. Default 64.</summary>
    public int EvalBatch { get; init; } = 64;

    /// <summary>The options as JSON, saved in checkpoints so that a run resumes with the options it started with.</summary>
    /// <returns>The JSON text.</returns>
    public string ToJson() => new JsonObject
    {
        ["batch"] = Batch, ["window"] = Window, ["learning_rate"] = LearningRate, ["weight_decay"] = WeightDecay, ["clip"] = Clip,
        ["schedule"] = Schedule.ToString(), ["warmup_steps"] = WarmupSteps, ["sampling"] = Sampling.ToString(),
        ["seed"] = Seed.ToString(CultureInfo.InvariantCulture), ["minutes"] = Minutes, ["steps"] = Steps,
        ["eval_every_seconds"] = EvalEverySeconds, ["patience"] = Patience, ["eval_batch"] = EvalBatch,
    }.ToJsonString();

    /// <summary>Reads options written by <see cref="ToJson"/>.</summary>
    /// <param name="json">The JSON text.</param>
    /// <returns>The options.</returns>
    /// <exception cref="FormatException">The text is not such an object.</exception>
    public static CharLmTrainingOptions FromJson(string json)
    {
        try
        {
            var o = JsonNode.Parse(json)!.AsObject();
            return new CharLmTrainingOptions
            {
                Batch = (int)o["batch"]!, Window = (int)o["window"]!, LearningRate = (double)o["learning_rate"]!,
                WeightDecay = (double)o["weight_decay"]!, Clip = (double)o["clip"]!,
                Schedule = Enum.Parse<ScheduleKind>((string)o["schedule"]!), WarmupSteps = (int)o["warmup_steps"]!,
                Sampling = Enum.Parse<WindowSampling>((string)o["sampling"]!),
                Seed = ulong.Parse((string)o["seed"]!, CultureInfo.InvariantCulture),
                Minutes = (double?)o["minutes"], Steps = (long?)o["steps"],
                EvalEverySeconds = (double)o["eval_every_seconds"]!, Patience = (int)o["patience"]!, EvalBatch = (int)o["eval_batch"]!,
            };
        }
        catch (Exception e) when (e is System.Text.Json.JsonException or InvalidOperationException or NullReferenceException or ArgumentException or OverflowException)
        {
            throw new FormatException($"The training options are not valid JSON options ({e.Message}).", e);
        }
    }

    /// <summary>Checks every value; throws <see cref="ArgumentException"/> naming the first bad one.</summary>
    public void Validate()
    {
        static void Positive(double value, string name)
        {
            if (!(value > 0)) throw new ArgumentOutOfRangeException(name, $"{name} must be positive; got {value}.");
        }
        Positive(Batch, nameof(Batch));
        Positive(Window, nameof(Window));
        Positive(LearningRate, nameof(LearningRate));
        Positive(EvalEverySeconds, nameof(EvalEverySeconds));
        Positive(EvalBatch, nameof(EvalBatch));
        if (Minutes is { } m) Positive(m, nameof(Minutes));
        if (Steps is { } s) Positive(s, nameof(Steps));
        if (WeightDecay < 0) throw new ArgumentOutOfRangeException(nameof(WeightDecay), $"WeightDecay must be non-negative; got {WeightDecay}.");
        if (Clip < 0) throw new ArgumentOutOfRangeException(nameof(Clip), $"Clip must be non-negative; got {Clip}.");
        if (WarmupSteps < 0) throw new ArgumentOutOfRangeException(nameof(WarmupSteps), $"WarmupSteps must be non-negative; got {WarmupSteps}.");
        if (Patience < 0) throw new ArgumentOutOfRangeException(nameof(Patience), $"Patience must be non-negative; got {Patience}.");
    }
}
