using System.Runtime.InteropServices;
using System.Text;

namespace Recurrent.Mpi;

/// <summary>
/// The thin binding to Open MPI's C library (<c>libmpi.so.40</c>, Open MPI 4.x; Debian's <c>libopenmpi3</c>): the
/// functions as unmanaged function pointers and the predefined handles, with no native shim.
/// </summary>
/// <remarks>
/// Open MPI's handles are pointers to exported globals: <c>MPI_COMM_WORLD</c> is <c>&amp;ompi_mpi_comm_world</c>,
/// <c>MPI_FLOAT</c> is <c>&amp;ompi_mpi_float</c>, <c>MPI_SUM</c> is <c>&amp;ompi_mpi_op_sum</c>, so
/// <see cref="NativeLibrary.GetExport"/> gives them. Open MPI's components (<c>mca_pml_ob1.so</c>, <c>mca_btl_tcp.so</c>…)
/// resolve their symbols against libmpi at load time, so libmpi must be in the global symbol scope: it is opened with
/// <c>dlopen(RTLD_NOW | RTLD_GLOBAL)</c> first (.NET's own loading uses RTLD_LOCAL). MPICH (<c>libmpich.so.12</c>) uses
/// integer handles and is not supported.
/// </remarks>
internal sealed unsafe class MpiLibrary
{
    public const string FileName = "libmpi.so.40";
    public const int ThreadFunneled = 1;
    public const int Success = 0;
    private const int RtldNow = 2, RtldGlobal = 0x100;

    public readonly nint CommWorld, Float, OpSum, OpMax, ErrorsReturn;
    public readonly delegate* unmanaged<int*, nint, int, int*, int> InitThread;
    public readonly delegate* unmanaged<int*, int> Initialized, FinalizedQuery;
    public readonly delegate* unmanaged<int> Finalize;
    public readonly delegate* unmanaged<nint, int*, int> CommRank, CommSize;
    public readonly delegate* unmanaged<nint, nint, int> CommSetErrhandler;
    public readonly delegate* unmanaged<int, byte*, int*, int> ErrorString;
    public readonly delegate* unmanaged<byte*, int*, int> GetLibraryVersion;
    public readonly delegate* unmanaged<void*, void*, int, nint, nint, int, nint, int> Reduce;
    public readonly delegate* unmanaged<void*, int, nint, int, nint, int> Bcast;
    public readonly delegate* unmanaged<nint, int> Barrier;
    public readonly delegate* unmanaged<nint, int, int> Abort;

    private MpiLibrary(nint library)
    {
        nint Export(string name) => NativeLibrary.GetExport(library, name);
        CommWorld = Export("ompi_mpi_comm_world");
        Float = Export("ompi_mpi_float");
        OpSum = Export("ompi_mpi_op_sum");
        OpMax = Export("ompi_mpi_op_max");
        ErrorsReturn = Export("ompi_mpi_errors_return");
        InitThread = (delegate* unmanaged<int*, nint, int, int*, int>)Export("MPI_Init_thread");
        Initialized = (delegate* unmanaged<int*, int>)Export("MPI_Initialized");
        FinalizedQuery = (delegate* unmanaged<int*, int>)Export("MPI_Finalized");
        Finalize = (delegate* unmanaged<int>)Export("MPI_Finalize");
        CommRank = (delegate* unmanaged<nint, int*, int>)Export("MPI_Comm_rank");
        CommSize = (delegate* unmanaged<nint, int*, int>)Export("MPI_Comm_size");
        CommSetErrhandler = (delegate* unmanaged<nint, nint, int>)Export("MPI_Comm_set_errhandler");
        ErrorString = (delegate* unmanaged<int, byte*, int*, int>)Export("MPI_Error_string");
        GetLibraryVersion = (delegate* unmanaged<byte*, int*, int>)Export("MPI_Get_library_version");
        Reduce = (delegate* unmanaged<void*, void*, int, nint, nint, int, nint, int>)Export("MPI_Reduce");
        Bcast = (delegate* unmanaged<void*, int, nint, int, nint, int>)Export("MPI_Bcast");
        Barrier = (delegate* unmanaged<nint, int>)Export("MPI_Barrier");
        Abort = (delegate* unmanaged<nint, int, int>)Export("MPI_Abort");
    }

    /// <summary>Opens libmpi into the global symbol scope and binds it; a one-line error saying how to install it when absent.</summary>
    /// <param name="fileName">The library to open (tests name a missing one).</param>
    public static MpiLibrary Load(string fileName = FileName)
    {
        if (!OperatingSystem.IsLinux()) throw new PlatformNotSupportedException($"Recurrent.Mpi binds Open MPI's {FileName} on Linux; this is {RuntimeInformation.OSDescription}.");
        if (!Posix.DlopenGlobal(fileName, RtldNow | RtldGlobal, out string? error))
        {
            throw new DllNotFoundException($"Open MPI's {fileName} could not be loaded ({error?.ReplaceLineEndings(" ")}); install it with: apt-get install -y --no-install-recommends openmpi-bin libopenmpi3");
        }
        return new MpiLibrary(NativeLibrary.Load(fileName));
    }

    /// <summary>MPI_Get_library_version's text, first line.</summary>
    public string Version()
    {
        var buffer = new byte[8192]; // MPI_MAX_LIBRARY_VERSION_STRING is 256 in Open MPI, 8192 in MPICH
        int length = 0;
        fixed (byte* p = buffer) GetLibraryVersion(p, &length);
        return Encoding.ASCII.GetString(buffer, 0, Math.Clamp(length, 0, buffer.Length)).TrimEnd('\0').Split('\n')[0].Trim().TrimEnd(',');
    }

    /// <summary>Throws <see cref="MpiException"/> with MPI_Error_string's text unless <paramref name="code"/> is MPI_SUCCESS.</summary>
    public void Check(int code, string call)
    {
        if (code == Success) return;
        var buffer = new byte[1024]; // MPI_MAX_ERROR_STRING is 256 in Open MPI
        int length = 0;
        string text;
        fixed (byte* p = buffer) text = ErrorString(code, p, &length) == Success ? Encoding.ASCII.GetString(buffer, 0, Math.Clamp(length, 0, buffer.Length)) : "unknown error";
        throw new MpiException(code, $"{call} failed: {text.ReplaceLineEndings(" ").Trim()} (MPI error {code}).");
    }
}
