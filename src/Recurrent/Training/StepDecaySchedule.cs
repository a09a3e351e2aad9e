using Recurrent.Optimizers;

namespace Recurrent.Training;

/// <summary>
/// Step decay, PyTorch's <c>StepLR</c>: the rate is multiplied by γ every <c>StepSize</c> steps,
/// <c>η(s) = η₀·γ^⌊s / StepSize⌋</c>.
/// </summary>
public sealed class StepDecaySchedule : ILearningRateSchedule
{
    /// <summary>Creates the schedule.</summary>
    /// <param name="learningRate">η₀, the rate of the first <paramref name="stepSize"/> steps.</param>
    /// <param name="stepSize">Steps between two decays, ≥ 1.</param>
    /// <param name="gamma">γ, the factor of each decay, in [0, 1]. PyTorch's default is 0.1.</param>
    public StepDecaySchedule(double learningRate, long stepSize, double gamma = 0.1)
    {
        Check.NonNegative(learningRate, nameof(learningRate));
        if (stepSize < 1) throw new ArgumentOutOfRangeException(nameof(stepSize), $"stepSize must be at least 1; got {stepSize}.");
        if (!(gamma is >= 0 and <= 1)) throw new ArgumentOutOfRangeException(nameof(gamma), $"gamma must be in [0, 1]; got {gamma}.");
        (LearningRate, StepSize, Gamma) = (learningRate, stepSize, gamma);
    }

    /// <summary>η₀.</summary>
    public double LearningRate { get; }

    /// <summary>Steps between two decays.</summary>
    public long StepSize { get; }

    /// <summary>γ.</summary>
    public double Gamma { get; }

    /// <inheritdoc/>
    public double At(long step)
    {
        ScheduleCheck.Step(step);
        return LearningRate * Math.Pow(Gamma, step / StepSize);
    }
}
