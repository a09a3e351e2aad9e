using Recurrent.Optimizers;

namespace Recurrent.Training;

/// <summary>The same learning rate at every step: <c>η(s) = η₀</c>.</summary>
public sealed class ConstantSchedule : ILearningRateSchedule
{
    /// <summary>Creates the schedule.</summary>
    /// <param name="learningRate">η₀, finite and ≥ 0.</param>
    public ConstantSchedule(double learningRate)
    {
        Check.NonNegative(learningRate, nameof(learningRate));
        LearningRate = learningRate;
    }

    /// <summary>η₀.</summary>
    public double LearningRate { get; }

    /// <inheritdoc/>
    public double At(long step)
    {
        ScheduleCheck.Step(step);
        return LearningRate;
    }
}
