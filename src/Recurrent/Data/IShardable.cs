namespace Recurrent.Data;

/// <summary>
/// A batch that can be split by rows among the ranks of data-parallel training: each rank computes the loss of its
/// shard, and the ranks' gradients, weighted by the shards' counts, add up to the gradient of the whole batch.
/// </summary>
/// <remarks>
/// Shard i of n holds the rows <c>[i·B/n, (i+1)·B/n)</c> (integer division) of a batch of B rows: the shards cover the
/// batch in order, differ in size by at most one row, and none is empty (a batch needs at least n rows).
/// </remarks>
/// <typeparam name="TBatch">The batch type (the batch's own type).</typeparam>
public interface IShardable<TBatch> where TBatch : IBatch
{
    /// <summary>Shard <paramref name="index"/> of <paramref name="count"/>: a batch of the same type holding those rows.</summary>
    /// <param name="index">The shard, in <c>[0, count)</c>: usually the rank.</param>
    /// <param name="count">The number of shards, in <c>[1, B]</c>: usually the group's size.</param>
    /// <returns>The shard, in an object the batch reuses: valid until the next call.</returns>
    TBatch Shard(int index, int count);
}
