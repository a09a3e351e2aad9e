namespace Recurrent.Data;

/// <summary>
/// Something whose state a training checkpoint must carry for a resumed run to continue exactly: a data source's
/// random generator and position, a truncated-BPTT stream's carried recurrent state.
/// </summary>
public interface IResumable
{
    /// <summary>Writes the state into <paramref name="state"/>.</summary>
    /// <param name="state">The checkpoint's state, to add entries to.</param>
    void SaveState(TrainingState state);

    /// <summary>Restores what <see cref="SaveState"/> wrote; throws <see cref="InvalidDataException"/> naming a missing or bad entry.</summary>
    /// <param name="state">The state read from a checkpoint.</param>
    void LoadState(TrainingState state);
}
