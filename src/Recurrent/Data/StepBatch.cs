namespace Recurrent.Data;

/// <summary>
/// The batch of a loss that makes its own data: just the step number s, from which a synthetic task (the adding
/// problem, the copy task) draws batch s. Read from a <see cref="StepSource"/>.
/// </summary>
public sealed class StepBatch : IBatch
{
    /// <summary>The step, from 0.</summary>
    public long Step { get; internal set; }

    /// <summary>1: the loss is already a mean over whatever the step drew.</summary>
    public int Count => 1;
}
