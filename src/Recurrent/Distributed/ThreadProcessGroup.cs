namespace Recurrent.Distributed;

/// <summary>
/// Ranks as threads of one process, for tests and for trying data-parallel training without MPI:
/// <see cref="Create"/> returns one group object per rank, and thread i uses object i.
/// </summary>
/// <remarks>
/// <para>
/// Reductions are deterministic: every rank combines the ranks' values in rank order (x₀ + x₁ + … + x_{N−1}), on the
/// same data with the same code, so every rank gets bit-identical results, and the same ones run after run.
/// </para>
/// <para>
/// A rank that throws or stops calling never leaves the others waiting forever: a rank that waits longer than the
/// timeout at a collective fails with a one-line <see cref="TimeoutException"/>, and from then on every call of every
/// rank fails at once. Disposing a rank's object (a <c>using</c> in the rank's thread, which also runs when the thread
/// throws) makes the others fail at their next collective without waiting for the timeout. Calls that do not match
/// (another operation, length or root than rank 0's) fail on every rank with an <see cref="InvalidOperationException"/>.
/// </para>
/// </remarks>
public sealed class ThreadProcessGroup : IProcessGroup, IDisposable
{
    /// <summary>How long a rank waits at a collective for the others unless told otherwise: 60 s.</summary>
    public static readonly TimeSpan DefaultTimeout = TimeSpan.FromSeconds(60);

    private readonly ThreadRendezvous _shared;
    private bool _disposed;

    private ThreadProcessGroup(ThreadRendezvous shared, int rank) => (_shared, Rank) = (shared, rank);

    /// <summary>Creates a group of <paramref name="size"/> ranks.</summary>
    /// <param name="size">The number of ranks (threads), at least 1.</param>
    /// <param name="timeout">How long a rank waits at a collective for the others before failing; null for <see cref="DefaultTimeout"/>.</param>
    /// <returns>One object per rank: element i is rank i, to be used by one thread.</returns>
    public static ThreadProcessGroup[] Create(int size, TimeSpan? timeout = null)
    {
        if (size < 1) throw new ArgumentOutOfRangeException(nameof(size), $"size is {size}; a process group needs at least 1 rank.");
        var wait = timeout ?? DefaultTimeout;
        if (wait <= TimeSpan.Zero) throw new ArgumentOutOfRangeException(nameof(timeout), $"timeout is {wait}; expected a positive time.");
        var shared = new ThreadRendezvous(size, wait);
        var ranks = new ThreadProcessGroup[size];
        for (int r = 0; r < size; r++) ranks[r] = new ThreadProcessGroup(shared, r);
        return ranks;
    }

    /// <inheritdoc/>
    public int Rank { get; }

    /// <inheritdoc/>
    public int Size => _shared.Size;

    /// <summary>How long a rank waits at a collective for the others.</summary>
    public TimeSpan Timeout => _shared.Timeout;

    /// <inheritdoc/>
    public void AllReduce(Span<float> values, ReduceOperation operation = ReduceOperation.Sum)
    {
        if (operation is not (ReduceOperation.Sum or ReduceOperation.Mean or ReduceOperation.Max))
        {
            throw new ArgumentOutOfRangeException(nameof(operation), $"operation is {operation}; expected Sum, Mean or Max.");
        }
        ThrowIfDisposed();
        values.CopyTo(_shared.Slot(Rank, values.Length));
        _shared.Arrive(Rank, nameof(AllReduce), values.Length, (int)operation);
        // Rank order, on every rank: the same operations on the same data give the same bits everywhere.
        _shared.Read(0, values.Length).CopyTo(values);
        for (int r = 1; r < Size; r++)
        {
            if (operation == ReduceOperation.Max) TensorPrimitives.Max(values, _shared.Read(r, values.Length), values);
            else TensorPrimitives.Add(values, _shared.Read(r, values.Length), values);
        }
        if (operation == ReduceOperation.Mean) TensorPrimitives.Divide(values, Size, values);
        _shared.Depart(Rank, nameof(AllReduce));
    }

    /// <inheritdoc/>
    public void Broadcast(Span<float> values, int root = 0)
    {
        if ((uint)root >= (uint)Size) throw new ArgumentOutOfRangeException(nameof(root), $"root is {root}; expected a rank in [0, {Size}).");
        ThrowIfDisposed();
        if (Rank == root) values.CopyTo(_shared.Slot(Rank, values.Length));
        _shared.Arrive(Rank, nameof(Broadcast), values.Length, root);
        if (Rank != root) _shared.Read(root, values.Length).CopyTo(values);
        _shared.Depart(Rank, nameof(Broadcast));
    }

    /// <inheritdoc/>
    public void Barrier()
    {
        ThrowIfDisposed();
        _shared.Arrive(Rank, nameof(Barrier), 0, 0);
        _shared.Depart(Rank, nameof(Barrier));
    }

    /// <summary>Leaves the group: a rank still calling collectives fails at its next one instead of waiting for this rank.</summary>
    public void Dispose()
    {
        if (_disposed) return;
        _disposed = true;
        _shared.Fail($"ThreadProcessGroup: rank {Rank} has left the group (it finished, failed or was disposed) while another rank still called a collective.");
    }

    private void ThrowIfDisposed() => ObjectDisposedException.ThrowIf(_disposed, this);
}
