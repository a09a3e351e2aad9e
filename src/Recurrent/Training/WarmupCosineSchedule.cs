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
        if (step < WarmupSteps) return MaxLearningRate * (step + 1) / WarmupSteps;
        if (step >= TotalSteps) return MinLearningRate;
        double progress = (double)(step - WarmupSteps) / (TotalSteps - WarmupSteps);
        return MinLearningRate + 0.5 * (MaxLearningRate - MinLearningRate) * (1 + Math.Cos(Math.PI * progress));
    }
}
