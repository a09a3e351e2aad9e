using System.Diagnostics.CodeAnalysis;

namespace Recurrent.Data;

/// <summary>
/// Step numbers 0, 1, 2, … without end, for a loss that draws its own batch at each step (see <see cref="StepBatch"/>).
/// Resumable: a resumed run continues with the step it stopped at.
/// </summary>
public sealed class StepSource : IBatchSource<StepBatch>, IResumable
{
    private readonly StepBatch _batch = new() { Step = -1 };

    /// <summary>The next step number.</summary>
    /// <param name="batch">The step, in a batch object reused from call to call.</param>
    /// <returns>True.</returns>
    public bool TryNext([MaybeNullWhen(false)] out StepBatch batch)
    {
        _batch.Step++;
        batch = _batch;
        return true;
    }

    /// <inheritdoc/>
    public void SaveState(TrainingState state)
    {
        ArgumentNullException.ThrowIfNull(state);
        state.Set("data.step", _batch.Step);
    }

    /// <inheritdoc/>
    public void LoadState(TrainingState state)
    {
        ArgumentNullException.ThrowIfNull(state);
        _batch.Step = state.GetInt64("data.step");
    }
}
