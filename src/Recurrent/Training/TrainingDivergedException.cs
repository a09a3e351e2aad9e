namespace Recurrent.Training;

/// <summary>
/// Training met a loss or a gradient that is not finite (NaN or ±∞) and had no skipped steps left
/// (<see cref="TrainerOptions.SkipNonFinite"/>). Nothing was written for the bad step: the last checkpoint on disk is
/// the last good one, and <c>best.safetensors</c> never holds a diverged model.
/// </summary>
public sealed class TrainingDivergedException : Exception
{
    /// <summary>Creates the exception.</summary>
    /// <param name="step">The step at which it happened (updates made before it).</param>
    /// <param name="parameter">The first parameter whose gradient is not finite, or null when the loss itself is not.</param>
    /// <param name="message">The one-line message.</param>
    public TrainingDivergedException(long step, string? parameter, string message) : base(message) => (Step, Parameter) = (step, parameter);

    /// <summary>The step at which training diverged.</summary>
    public long Step { get; }

    /// <summary>The first parameter (in the model's order) whose gradient is not finite, or null when the loss is not.</summary>
    public string? Parameter { get; }
}
