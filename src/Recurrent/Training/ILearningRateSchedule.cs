namespace Recurrent.Training;

/// <summary>
/// A learning rate as a function of the training step, as PyTorch's <c>lr_scheduler</c>s but stateless: the rate at
/// any step can be asked for directly, so a run resumed at step s needs nothing but s.
/// </summary>
/// <remarks>
/// Before each update: <c>optimizer.LearningRate = schedule.At(step); optimizer.Step(); step++;</c>, with step the
/// number of updates already made (0 before the first).
/// </remarks>
public interface ILearningRateSchedule
{
    /// <summary>The learning rate η of the update made after <paramref name="step"/> earlier updates.</summary>
    /// <param name="step">Updates made so far, ≥ 0.</param>
    /// <returns>η, ≥ 0.</returns>
    double At(long step);
}
