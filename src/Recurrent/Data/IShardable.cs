namespace Recurrent.Data;

/// <summary>TEMPORARY copy of the shared contract (helper A writes the real one in branch dataparallel).</summary>
/// <typeparam name="TBatch">The batch type.</typeparam>
public interface IShardable<TBatch>
    where TBatch : IBatch
{
    /// <summary>The rows [index·B/count, (index+1)·B/count) of this batch.</summary>
    /// <param name="index">The shard.</param>
    /// <param name="count">The shards.</param>
    /// <returns>The shard.</returns>
    TBatch Shard(int index, int count);
}
