using System.CommandLine;
using Recurrent.Distributed;
using Recurrent.Mpi;
using Spectre.Console;

namespace Recurrent.Cli;

/// <summary>
/// The data-parallel side of a training command: under <c>mpirun -np N</c> (or with <c>--distributed mpi</c>) it joins
/// the MPI job and hands its <see cref="IProcessGroup"/> to the trainer. Rank 0 is the primary: it alone prints and
/// writes files; the other ranks' stdout is silenced and they write nothing. See docs/DISTRIBUTED.md.
/// </summary>
/// <remarks>
/// A rank that fails calls MPI_Abort (<see cref="Fail"/>), so that the others, waiting in a collective call, end at
/// once instead of waiting for it; mpirun then ends the job with a non-zero exit code. A rank killed outright makes
/// mpirun end the job by itself. Checkpoints are written to a temporary file and renamed, so none is half-written.
/// </remarks>
internal sealed class DistributedRun
{
    private readonly MpiProcessGroup? _mpi;

    private DistributedRun(MpiProcessGroup? mpi) => _mpi = mpi;

    /// <summary>The run of this process, once a command started one.</summary>
    public static DistributedRun? Current { get; private set; }

    /// <summary>The group to pass in <c>TrainerOptions.ProcessGroup</c>; null for a single process.</summary>
    public IProcessGroup? Group => _mpi;

    /// <summary>True on rank 0, or without a group: the process that prints and writes.</summary>
    public bool IsPrimary => _mpi is null || _mpi.Rank == 0;

    public static Option<string> Option()
    {
        var option = new Option<string>("--distributed")
        {
            Description = "Data-parallel training: auto (MPI when started by mpirun), mpi, or none. Each rank computes a share of every --batch (docs/DISTRIBUTED.md).",
            DefaultValueFactory = _ => "auto",
        };
        option.AcceptOnlyFromAmong("auto", "mpi", "none");
        return option;
    }

    /// <summary>
    /// Joins the MPI job when <paramref name="mode"/> asks for it (auto: when mpirun started this process). Without
    /// <c>--threads</c>, each rank takes its share of the machine's cores (cores ÷ ranks on this machine).
    /// </summary>
    public static DistributedRun Start(string mode)
    {
        if (Current is not null) return Current;
        bool use = mode == "mpi" || (mode == "auto" && MpiProcessGroup.IsLaunchedByMpirun);
        var mpi = use ? MpiProcessGroup.Initialize() : null;
        Current = new DistributedRun(mpi);
        if (mpi is null) return Current;
        string? launched = Environment.GetEnvironmentVariable("OMPI_COMM_WORLD_SIZE") ?? Environment.GetEnvironmentVariable("PMI_SIZE");
        if (int.TryParse(launched, out int expected) && expected != mpi.Size)
        {
            // MPICH's mpiexec starting Open MPI's library: each process would be a job of its own and train alone.
            throw new InvalidOperationException($"the launcher started {expected} processes but MPI sees {mpi.Size}; start Recurrent with Open MPI's mpirun (MPICH is not supported).");
        }
        int local = int.TryParse(Environment.GetEnvironmentVariable("OMPI_COMM_WORLD_LOCAL_SIZE"), out int n) && n > 0 ? n : 1;
        Recurrent.Tensors.Threads.DefaultMaxThreads = Math.Max(1, Environment.ProcessorCount / local);
        if (mpi.Rank != 0)
        {
            Console.SetOut(TextWriter.Null);
            AnsiConsole.Console = AnsiConsole.Create(new AnsiConsoleSettings { Out = new AnsiConsoleOutput(TextWriter.Null) });
        }
        return Current;
    }

    /// <summary>The line a distributed run prints first (rank 0), or null for a single process.</summary>
    public string? Describe(int batch) => _mpi is null ? null
        : $"Distributed: {_mpi.Size} ranks ({_mpi.LibraryVersion.Split(',')[0]}), each computing {batch / _mpi.Size}–{(batch + _mpi.Size - 1) / _mpi.Size} of every {batch} rows, {Recurrent.Tensors.Threads.Current} thread(s) per rank.";

    /// <summary>The command succeeded: MPI_Finalize (every rank reaches it).</summary>
    public static void Finish()
    {
        Current?._mpi?.Dispose();
        Current = null;
    }

    /// <summary>
    /// The command failed on this rank: with other ranks, MPI_Abort ends them all with <paramref name="exitCode"/> (they
    /// may be waiting for this one in a collective call, and MPI_Finalize would wait for them). Returns only without them.
    /// </summary>
    public static void Fail(int exitCode)
    {
        if (Current?._mpi is { Size: > 1 } mpi)
        {
            Console.Error.Flush();
            mpi.Abort(exitCode);
        }
        Finish();
    }

    /// <summary>This rank's name for error lines: empty for rank 0 or a single process.</summary>
    public static string RankTag => Current?._mpi is { Rank: > 0 } mpi ? $" (rank {mpi.Rank})" : "";
}
