using Recurrent.Optimizers;

namespace Recurrent.Training;

/// <summary>
/// Linear warm-up then cosine decay (Loshchilov and Hutter's SGDR without restarts, with Goyal et al.'s warm-up): the
/// rate climbs to its peak over the first W steps, so that Adam's early, poorly estimated moments take small steps,
/// then follows half a cosine down to a floor at step S.
/// </summary>
/// <remarks>
/// <code>
/// η(s) = η_max·(s + 1) / W                                              for s &lt; W
/// η(s) = η_min + ½·(η_max − η_min)·(1 + cos(π·(s − W) / (S − W)))        for W ≤ s ≤ S
/// η(s) = η_min                                                           for s &gt; S
/// </code>
/// s counts updates from 0; W = 0 is a plain cosine decay (PyTorch's <c>CosineAnnealingLR</c> with T_max = S). The
/// warm-up ends at η_max on step W − 1, and the first update already has η_max / W rather than a wasted 0.
/// </remarks>
public sealed class WarmupCosineSchedule : ILearningRateSchedule
{
    /// <summary>Creates the schedule.</summary>
    /// <param name="maxLearningRate">η_max, the peak.</param>
    /// <param name="warmupSteps">W, ≥ 0.</param>
    /// <param name="totalSteps">S, the step where the decay reaches η_min; greater than W.</param>
    /// <param name="minLearningRate">η_min, the floor, ≤ η_max. Default 0.</param>
    public WarmupCosineSchedule(double maxLearningRate, long warmupSteps, long totalSteps, double minLearningRate = 0)
    {
        Check.NonNegative(maxLearningRate, nameof(maxLearningRate));
        Check.NonNegative(minLearningRate, nameof(minLearningRate));
        if (minLearningRate > maxLearningRate) throw new ArgumentOutOfRangeException(nameof(minLearningRate), $"minLearningRate {minLearningRate} exceeds maxLearningRate {maxLearningRate}.");
        if (warmupSteps < 0) throw new ArgumentOutOfRangeException(nameof(warmupSteps), $"warmupSteps must be non-negative; got {warmupSteps}.");
        if (totalSteps <= warmupSteps) throw new ArgumentOutOfRangeException(nameof(totalSteps), $"totalSteps must exceed warmupSteps = {warmupSteps}; got {totalSteps}.");
        (MaxLearningRate, WarmupSteps, TotalSteps, MinLearningRate) = (maxLearningRate, warmupSteps, totalSteps, minLearningRate);
    }

    /// <summary>η_max.</summary>
    public double MaxLearningRate { get; }

    /// <summary>W.</summary>
    public long WarmupSteps { get; }

    /// <summary>S.</summary>
    public long TotalSteps { get; }

    /// <summary>η_min.</summary>
    public double MinLearningRate { get; }

    /// <inheritdoc/>
    public double At(long step)
    {
        ScheduleCheck.Step(step);
        return Rate(MaxLearningRate, MinLearningRate, step, WarmupSteps, (double)(step - WarmupSteps) / (TotalSteps - WarmupSteps));
    }

    /// <summary>
    /// η at <paramref name="step"/>: the warm-up below W, then the cosine at <paramref name="progress"/> ∈ [0, 1] of the
    /// decay (clamped). The trainer passes the share of its budget spent, so a time budget anneals too.
    /// </summary>
    internal static double Rate(double max, double min, long step, long warmupSteps, double progress)
    {
        if (step < warmupSteps) return max * (step + 1) / warmupSteps;
        return min + 0.5 * (max - min) * (1 + Math.Cos(Math.PI * Math.Clamp(progress, 0, 1)));
    }
}
