namespace Recurrent.Data;

/// <summary>The rows of shard i of n of a batch of B rows, <c>[i·B/n, (i+1)·B/n)</c>, checked (see <see cref="IShardable{TBatch}"/>).</summary>
internal static class ShardRows
{
    /// <summary>The first row and the number of rows of the shard.</summary>
    /// <param name="rows">B.</param>
    /// <param name="index">i.</param>
    /// <param name="count">n.</param>
    /// <returns>(first row, rows).</returns>
    public static (int First, int Rows) Of(int rows, int index, int count)
    {
        if (count < 1) throw new ArgumentOutOfRangeException(nameof(count), $"count is {count}; a batch splits into at least 1 shard.");
        if ((uint)index >= (uint)count) throw new ArgumentOutOfRangeException(nameof(index), $"index is {index}; expected a shard in [0, {count}).");
        if (count > rows)
        {
            throw new ArgumentException($"A batch of {rows} rows cannot be split into {count} shards; every rank needs at least one row, so use a batch of at least {count} rows.", nameof(count));
        }
        int first = (int)((long)index * rows / count), end = (int)((long)(index + 1) * rows / count);
        return (first, end - first);
    }
}
