using Recurrent.Distributed;

namespace Recurrent.Mpi;

/// <summary>
/// The ranks of an MPI job (<c>MPI_COMM_WORLD</c>) as an <see cref="IProcessGroup"/>, for data-parallel training across
/// processes and machines: start the program with <c>mpirun -np N</c>, call <see cref="Initialize"/> once, and pass the
/// group in <c>TrainerOptions.ProcessGroup</c>. Disposing it calls MPI_Finalize.
/// </summary>
/// <remarks>
/// <para><b>Identical results on every rank.</b> MPI_Allreduce does not promise that every rank receives the same bits
/// for floats (its algorithms may add in a different order on each rank when there are more than two), and the ranks
/// must step identically. So <see cref="AllReduce"/> is MPI_Reduce to rank 0 followed by MPI_Bcast of rank 0's result:
/// every rank holds the same bits by construction. The cost is about one extra latency per call against a ring
/// all-reduce; the bandwidth term of a reduce plus a broadcast is the same 2·(N−1)/N × bytes in Open MPI's pipelined
/// algorithms for large messages.</para>
/// <para><b>Threads.</b> MPI is initialised with MPI_THREAD_FUNNELED: every call must come from the thread that called
/// <see cref="Initialize"/> (the kernels' worker threads never call MPI).</para>
/// <para><b>Errors.</b> The communicator's error handler is MPI_ERRORS_RETURN, so a failed call throws
/// <see cref="MpiException"/> with MPI_Error_string's text instead of aborting. A rank that dies makes mpirun end the
/// whole job; a rank that fails with an exception should call <see cref="Abort"/> so that the others do not wait for it
/// forever in their next collective call.</para>
/// <para><b>Large buffers.</b> MPI counts are 32-bit: buffers are sent in chunks of at most <see cref="ChunkElements"/> floats.</para>
/// <para><b>Containers.</b> Unless already set, <c>OMPI_MCA_pml=ob1</c> and <c>OMPI_MCA_btl=self,vader,tcp</c> are set
/// before MPI_Init: in a container the default transports (UCX, InfiniBand probing, cross-memory attach) fail or warn.</para>
/// </remarks>
public sealed unsafe class MpiProcessGroup : IProcessGroup, IDisposable
{
    private static MpiProcessGroup? _instance;
    private readonly MpiLibrary _mpi;
    private readonly int _thread;
    private float[] _scratch = [];
    private bool _disposed;

    private MpiProcessGroup(MpiLibrary mpi, int rank, int size, string version)
    {
        _mpi = mpi;
        Rank = rank;
        Size = size;
        LibraryVersion = version;
        _thread = Environment.CurrentManagedThreadId;
    }

    /// <inheritdoc/>
    public int Rank { get; }

    /// <inheritdoc/>
    public int Size { get; }

    /// <summary>MPI_Get_library_version's first line, e.g. <c>Open MPI v4.1.4, package: Debian OpenMPI…</c>.</summary>
    public string LibraryVersion { get; }

    /// <summary>The most floats one MPI call moves (counts are 32-bit); larger buffers go in chunks. Default 2²⁴ (64 MB).</summary>
    internal int ChunkElements { get; set; } = 1 << 24;

    /// <summary>
    /// True when this process was started by <c>mpirun</c>/<c>mpiexec</c> (Open MPI sets <c>OMPI_COMM_WORLD_SIZE</c>,
    /// MPICH and Slurm's PMI set <c>PMI_SIZE</c>).
    /// </summary>
    public static bool IsLaunchedByMpirun =>
        !string.IsNullOrEmpty(Environment.GetEnvironmentVariable("OMPI_COMM_WORLD_SIZE")) || !string.IsNullOrEmpty(Environment.GetEnvironmentVariable("PMI_SIZE"));

    /// <summary>
    /// Loads Open MPI, calls MPI_Init_thread (FUNNELED) and returns the group of all ranks. Once per process: MPI cannot
    /// be initialised again after it was finalised. Throws a one-line error when libmpi is missing, saying how to install it.
    /// </summary>
    public static MpiProcessGroup Initialize()
    {
        if (_instance is not null) throw new InvalidOperationException("MpiProcessGroup.Initialize was already called in this process; MPI can be initialised once per process.");
        var mpi = MpiLibrary.Load();
        Posix.SetDefault("OMPI_MCA_pml", "ob1");
        Posix.SetDefault("OMPI_MCA_btl", "self,vader,tcp");
        int provided = 0, rank = 0, size = 0;
        mpi.Check(mpi.InitThread(null, 0, MpiLibrary.ThreadFunneled, &provided), "MPI_Init_thread");
        mpi.Check(mpi.CommSetErrhandler(mpi.CommWorld, mpi.ErrorsReturn), "MPI_Comm_set_errhandler");
        if (provided < MpiLibrary.ThreadFunneled)
        {
            mpi.Finalize();
            throw new MpiException(0, $"MPI_Init_thread provided thread level {provided}; Recurrent.Mpi needs MPI_THREAD_FUNNELED ({MpiLibrary.ThreadFunneled}).");
        }
        mpi.Check(mpi.CommRank(mpi.CommWorld, &rank), "MPI_Comm_rank");
        mpi.Check(mpi.CommSize(mpi.CommWorld, &size), "MPI_Comm_size");
        _instance = new MpiProcessGroup(mpi, rank, size, mpi.Version());
        return _instance;
    }

    /// <summary>
    /// Sums (or takes the mean or maximum of) <paramref name="values"/> over all ranks, in place; afterwards every rank
    /// holds bit-identical values (MPI_Reduce to rank 0, then MPI_Bcast).
    /// </summary>
    public void AllReduce(Span<float> values, ReduceOperation operation = ReduceOperation.Sum)
    {
        CheckCall();
        nint op = operation == ReduceOperation.Max ? _mpi.OpMax : _mpi.OpSum;
        int chunk = ChunkElements;
        if (Rank == 0 && _scratch.Length < Math.Min(values.Length, chunk)) _scratch = new float[Math.Min(values.Length, chunk)];
        for (int start = 0; start < values.Length; start += chunk)
        {
            var part = values.Slice(start, Math.Min(chunk, values.Length - start));
            fixed (float* send = part)
            fixed (float* receive = _scratch)
            {
                _mpi.Check(_mpi.Reduce(send, receive, part.Length, _mpi.Float, op, 0, _mpi.CommWorld), "MPI_Reduce");
            }
            if (Rank == 0)
            {
                var sum = _scratch.AsSpan(0, part.Length);
                if (operation == ReduceOperation.Mean) for (int i = 0; i < sum.Length; i++) sum[i] /= Size;
                sum.CopyTo(part);
            }
        }
        Broadcast(values, 0);
    }

    /// <summary>Copies rank <paramref name="root"/>'s <paramref name="values"/> to every rank, in place.</summary>
    public void Broadcast(Span<float> values, int root = 0)
    {
        CheckCall();
        if ((uint)root >= (uint)Size) throw new ArgumentOutOfRangeException(nameof(root), $"root is {root}; expected a rank in [0, {Size}).");
        for (int start = 0; start < values.Length; start += ChunkElements)
        {
            var part = values.Slice(start, Math.Min(ChunkElements, values.Length - start));
            fixed (float* p = part) _mpi.Check(_mpi.Bcast(p, part.Length, _mpi.Float, root, _mpi.CommWorld), "MPI_Bcast");
        }
    }

    /// <summary>Waits until every rank has called it.</summary>
    public void Barrier()
    {
        CheckCall();
        _mpi.Check(_mpi.Barrier(_mpi.CommWorld), "MPI_Barrier");
    }

    /// <summary>
    /// Ends every rank of the job with <paramref name="exitCode"/> (MPI_Abort): what a rank that failed calls so that the
    /// others, waiting in a collective call, do not wait forever. Does not return.
    /// </summary>
    public void Abort(int exitCode)
    {
        _mpi.Abort(_mpi.CommWorld, exitCode);
        Environment.Exit(exitCode);
    }

    /// <summary>Calls MPI_Finalize (collective: every rank disposes its group).</summary>
    public void Dispose()
    {
        if (_disposed) return;
        _disposed = true;
        int finalized = 0;
        _mpi.FinalizedQuery(&finalized);
        if (finalized == 0) _mpi.Check(_mpi.Finalize(), "MPI_Finalize");
    }

    private void CheckCall()
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        if (Environment.CurrentManagedThreadId != _thread)
        {
            throw new InvalidOperationException($"MPI was initialised for one thread (MPI_THREAD_FUNNELED, managed thread {_thread}); this call came from thread {Environment.CurrentManagedThreadId}.");
        }
    }
}
