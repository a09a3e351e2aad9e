using Recurrent.Distributed;
using Recurrent.Optimizers;

namespace Recurrent.Training;

/// <summary>
/// Everything that shapes a <see cref="Trainer{TBatch}"/> run besides the model, its loss and its data: the budget,
/// the optimizer and its schedule, clipping, validation, early stopping, checkpoints and metrics.
/// </summary>
/// <remarks>
/// The budget is whichever of <see cref="Epochs"/>, <see cref="Steps"/> and <see cref="Duration"/> is reached first;
/// with none, training runs until cancelled or stopped early. Counts are totals of the run, so a resumed run with the
/// same options stops where the uninterrupted one would have.
/// </remarks>
public sealed record TrainerOptions
{
    /// <summary>Passes over the training data, or null.</summary>
    public int? Epochs { get; init; }

    /// <summary>Optimiser steps, or null.</summary>
    public long? Steps { get; init; }

    /// <summary>Training wall time (validation excluded), or null.</summary>
    public TimeSpan? Duration { get; init; }

    /// <summary>The optimizer. Default Adam.</summary>
    public OptimizerKind Optimizer { get; init; } = OptimizerKind.Adam;

    /// <summary>The peak learning rate η. Default 1e-3.</summary>
    public double LearningRate { get; init; } = 1e-3;

    /// <summary>Weight decay: decoupled for AdamW, L2 in the gradient for the others. Default 0.</summary>
    public double WeightDecay { get; init; }

    /// <summary>Momentum of SGD and RMSprop. Default 0.</summary>
    public double Momentum { get; init; }

    /// <summary>The learning-rate schedule. Default constant.</summary>
    public ScheduleKind Schedule { get; init; } = ScheduleKind.Constant;

    /// <summary>Steps of linear warm-up of <see cref="ScheduleKind.Cosine"/>. Default 0.</summary>
    public int WarmupSteps { get; init; }

    /// <summary>The floor of <see cref="ScheduleKind.Cosine"/>; null for a tenth of <see cref="LearningRate"/>.</summary>
    public double? MinLearningRate { get; init; }

    /// <summary>A step-indexed schedule that replaces <see cref="Schedule"/> (stateless, so a resumed run needs only the step), or null.</summary>
    public ILearningRateSchedule? CustomSchedule { get; init; }

    /// <summary>Largest global gradient norm; larger gradients are scaled down to it. 0 (the default): no clipping.</summary>
    public double ClipNorm { get; init; }

    /// <summary>
    /// Validate every so much training wall time; null to validate at the end of each epoch (and of the run). Needs a
    /// validation source.
    /// </summary>
    public TimeSpan? ValidateEvery { get; init; }

    /// <summary>Validate every so many steps, or null.</summary>
    public long? ValidateEverySteps { get; init; }

    /// <summary>Stop after this many validations without a new best validation loss; 0 (the default): never.</summary>
    public int Patience { get; init; }

    /// <summary>
    /// Where <c>last.safetensors</c> (at each validation, every <see cref="CheckpointEverySteps"/> and when the run
    /// stops, cancelled or not) and <c>best.safetensors</c> (at each new best validation loss) go; null for none.
    /// Both are model files that <c>Model.Load</c> reads, and <see cref="Trainer{TBatch}.Resume"/> continues from.
    /// </summary>
    public string? CheckpointDirectory { get; init; }

    /// <summary>Also write <c>last.safetensors</c> every so many steps; null for only at validations and at the end.</summary>
    public long? CheckpointEverySteps { get; init; }

    /// <summary>A JSON-lines file that gets one <see cref="TrainingRecord"/> per validation, appended; null for none.</summary>
    public string? MetricsFile { get; init; }

    /// <summary>The seed of the dropout masks: step n draws from (seed, n), so a resumed run draws the same masks. Default 1337.</summary>
    public ulong Seed { get; init; } = 1337;

    /// <summary>
    /// Steps with a non-finite loss or gradient to skip (no update; the data moves on) before the run stops with a
    /// <see cref="TrainingDivergedException"/>. Default 0: the first one stops it. Mixed-precision trainers skip such
    /// steps the same way.
    /// </summary>
    public int SkipNonFinite { get; init; }

    /// <summary>
    /// Whether <see cref="Trainer{TBatch}.Fit"/> holds a lock file (<c>.lock</c>) in <see cref="CheckpointDirectory"/>,
    /// so that a second run pointed at the same directory fails at once instead of overwriting its checkpoints.
    /// Default true; an application that takes the <see cref="RunDirectoryLock"/> itself, earlier, sets false.
    /// </summary>
    public bool LockCheckpointDirectory { get; init; } = true;

    /// <summary>Threads for the kernels during the run; null for the process default.</summary>
    public int? MaxThreads { get; init; }

    /// <summary>
    /// The ranks of data-parallel training, or null (the default) for one process. With a group of more than one
    /// rank, every rank runs the same <see cref="Trainer{TBatch}"/> on the same data; each computes the gradient of its
    /// shard of every batch (<see cref="Data.IShardable{TBatch}"/>), and the ranks average them, weighted by the shards'
    /// counts, before every (identical) update: the result is that of one process on the whole batch, up to rounding.
    /// Only rank 0 reports progress and writes metrics and checkpoints. See <see cref="Trainer{TBatch}"/>.
    /// </summary>
    public IProcessGroup? ProcessGroup { get; init; }

    /// <summary>The least time between two progress reports (validations are always reported). Default 0.25 s.</summary>
    public TimeSpan ProgressInterval { get; init; } = TimeSpan.FromSeconds(0.25);

    /// <summary>Checks every value; throws <see cref="ArgumentException"/> naming the first bad one and what it should be.</summary>
    public void Validate()
    {
        if (Epochs is < 1) throw Bad(nameof(Epochs), Epochs, "at least 1");
        if (Steps is < 1) throw Bad(nameof(Steps), Steps, "at least 1");
        if (Duration is { } d && d <= TimeSpan.Zero) throw Bad(nameof(Duration), d, "a positive time");
        if (!(LearningRate > 0) || double.IsInfinity(LearningRate)) throw Bad(nameof(LearningRate), LearningRate, "a positive number");
        if (!(WeightDecay >= 0)) throw Bad(nameof(WeightDecay), WeightDecay, "0 or more");
        if (!(Momentum >= 0 && Momentum < 1)) throw Bad(nameof(Momentum), Momentum, "in [0, 1)");
        if (WarmupSteps < 0) throw Bad(nameof(WarmupSteps), WarmupSteps, "0 or more");
        if (MinLearningRate is { } m && !(m >= 0 && m <= LearningRate)) throw Bad(nameof(MinLearningRate), m, $"in [0, LearningRate = {LearningRate}]");
        if (!(ClipNorm >= 0)) throw Bad(nameof(ClipNorm), ClipNorm, "0 (no clipping) or more");
        if (ValidateEvery is { } v && v <= TimeSpan.Zero) throw Bad(nameof(ValidateEvery), v, "a positive time");
        if (ValidateEverySteps is < 1) throw Bad(nameof(ValidateEverySteps), ValidateEverySteps, "at least 1");
        if (Patience < 0) throw Bad(nameof(Patience), Patience, "0 (never stop early) or more");
        if (CheckpointEverySteps is < 1) throw Bad(nameof(CheckpointEverySteps), CheckpointEverySteps, "at least 1");
        if (SkipNonFinite < 0) throw Bad(nameof(SkipNonFinite), SkipNonFinite, "0 (stop at the first) or more");
        if (MaxThreads is < 1) throw Bad(nameof(MaxThreads), MaxThreads, "at least 1");
        if (ProcessGroup is { } group && (group.Size < 1 || (uint)group.Rank >= (uint)group.Size))
        {
            throw new ArgumentOutOfRangeException(nameof(ProcessGroup), $"TrainerOptions.ProcessGroup has rank {group.Rank} of size {group.Size}; expected a size of at least 1 and a rank in [0, size).");
        }
        if (ProgressInterval < TimeSpan.Zero) throw Bad(nameof(ProgressInterval), ProgressInterval, "0 or more");
    }

    private static ArgumentOutOfRangeException Bad(string name, object? value, string expected) =>
        new(name, $"TrainerOptions.{name} is {value}; expected {expected}.");

    /// <summary>The optimizer these options describe, over <paramref name="parameters"/>.</summary>
    internal Optimizer<float> CreateOptimizer(IReadOnlyList<(string Name, Autodiff.Variable<float> Parameter)> parameters) => Optimizer switch
    {
        OptimizerKind.Adam => new Adam<float>(parameters, new AdamOptions { LearningRate = LearningRate, WeightDecay = WeightDecay > 0 ? WeightDecay : null }),
        OptimizerKind.AdamW => new AdamW<float>(parameters, new AdamOptions { LearningRate = LearningRate, WeightDecay = WeightDecay }),
        OptimizerKind.Sgd => new Sgd<float>(parameters, new SgdOptions { LearningRate = LearningRate, Momentum = Momentum, WeightDecay = WeightDecay }),
        OptimizerKind.RmsProp => new RmsProp<float>(parameters, new RmsPropOptions { LearningRate = LearningRate, Momentum = Momentum, WeightDecay = WeightDecay }),
        OptimizerKind.Adagrad => new Adagrad<float>(parameters, new AdagradOptions { LearningRate = LearningRate, WeightDecay = WeightDecay }),
        _ => throw new ArgumentOutOfRangeException(nameof(Optimizer), $"TrainerOptions.Optimizer is {Optimizer}; expected one of {string.Join(", ", Enum.GetNames<OptimizerKind>())}."),
    };
}
