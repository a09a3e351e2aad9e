using Recurrent.Mpi;

namespace Recurrent.Tests.Mpi;

/// <summary>
/// What <c>Recurrent.Mpi</c> does outside an MPI job (its collective operations run under mpirun, in
/// tests/Recurrent.Mpi.Tests): a missing library is one line that says how to install it. Binding the installed library checks that every function and handle the binding uses is exported.
/// </summary>
public sealed class MpiLibraryTests
{
    [Fact]
    public void AMissingLibraryIsOneLineSayingHowToInstallIt()
    {
        var e = Assert.Throws<DllNotFoundException>(() => MpiLibrary.Load("libmpi-not-here.so.40"));
        Assert.DoesNotContain('\n', e.Message);
        Assert.Contains("libmpi-not-here.so.40 could not be loaded", e.Message);
        Assert.Contains("apt-get install -y --no-install-recommends openmpi-bin libopenmpi3", e.Message);
    }

    [SkippableFact]
    public void TheInstalledOpenMpiExportsEverythingTheBindingUses()
    {
        Skip.IfNot(System.Runtime.InteropServices.NativeLibrary.TryLoad(MpiLibrary.FileName, out _), $"{MpiLibrary.FileName} is not installed (apt-get install openmpi-bin libopenmpi3).");
        var mpi = MpiLibrary.Load(); // GetExport throws EntryPointNotFoundException for a missing symbol
        Assert.StartsWith("Open MPI v", mpi.Version());
        Assert.NotEqual(0, mpi.CommWorld);
    }
}
