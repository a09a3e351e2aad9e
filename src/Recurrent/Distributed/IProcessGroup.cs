namespace Recurrent.Distributed;

/// <summary>TEMPORARY copy of the shared contract (helper A writes the real one in branch dataparallel).</summary>
public interface IProcessGroup
{
    /// <summary>This process's rank.</summary>
    int Rank { get; }

    /// <summary>The number of ranks.</summary>
    int Size { get; }

    /// <summary>All-reduce in place.</summary>
    void AllReduce(Span<float> values, ReduceOperation operation = ReduceOperation.Sum);

    /// <summary>Broadcast in place.</summary>
    void Broadcast(Span<float> values, int root = 0);

    /// <summary>Barrier.</summary>
    void Barrier();
}
