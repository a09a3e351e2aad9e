namespace Recurrent.Data;

/// <summary>
/// A shard whose rows carry state into the next batch (truncated BPTT: the model's final state per row). Each rank
/// computes only its rows' final state; the trainer adds every rank's rows (each written by one rank, zeros elsewhere)
/// in its all-reduce, so every rank, and every checkpoint, holds the whole batch's state as one process would.
/// </summary>
internal interface IShardCarry
{
    /// <summary>The floats of the whole batch's carried state, in the batch's layout; 0 when the model handed none back.</summary>
    int CarryLength { get; }

    /// <summary>Writes this shard's rows of the carried state into <paramref name="destination"/> and zeros everywhere else.</summary>
    /// <param name="destination"><see cref="CarryLength"/> floats.</param>
    void WriteCarry(Span<float> destination);

    /// <summary>Hands every row's carried state, combined from all shards, back to the whole batch.</summary>
    /// <param name="source"><see cref="CarryLength"/> floats.</param>
    void ReadCarry(ReadOnlySpan<float> source);
}
