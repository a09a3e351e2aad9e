namespace Recurrent.Distributed;

/// <summary>
/// A group of cooperating processes (ranks) for data-parallel training: each rank holds a full copy of the model,
/// computes the gradient of its share of every batch, and the ranks average their gradients before every update, as
/// PyTorch's <c>torch.distributed</c> process groups and <c>DistributedDataParallel</c> do.
/// </summary>
/// <remarks>
/// Every method is collective: all ranks call it, in the same order, with buffers of the same length, each from one
/// thread. A rank that fails or stops calling must make the others fail rather than wait forever.
/// Implementations: <see cref="ThreadProcessGroup"/> (ranks as threads of one process, for tests) and an MPI binding
/// outside the core (<c>Recurrent.Mpi</c>).
/// </remarks>
public interface IProcessGroup
{
    /// <summary>This process's index in the group, 0 … <see cref="Size"/> − 1; rank 0 reports and writes files.</summary>
    int Rank { get; }

    /// <summary>The number of ranks, at least 1.</summary>
    int Size { get; }

    /// <summary>
    /// Combines <paramref name="values"/> element-wise over every rank, in place: afterwards every rank holds
    /// bit-identical values (so that every rank takes the same optimiser step).
    /// </summary>
    /// <param name="values">This rank's values; replaced by the combination. The same length on every rank.</param>
    /// <param name="operation">How to combine. Default <see cref="ReduceOperation.Sum"/>.</param>
    void AllReduce(Span<float> values, ReduceOperation operation = ReduceOperation.Sum);

    /// <summary>Copies the values of rank <paramref name="root"/> into every rank's <paramref name="values"/>, in place.</summary>
    /// <param name="values">The root's values to send, or the buffer that receives them. The same length on every rank.</param>
    /// <param name="root">The rank that sends. Default 0.</param>
    void Broadcast(Span<float> values, int root = 0);

    /// <summary>Returns once every rank has called it.</summary>
    void Barrier();
}
