namespace Recurrent.Mpi.Tests;

/// <summary>Placeholder until the Trainer's data-parallel path lands.</summary>
internal static class EquivalenceTests
{
    public static void AddTo(MpiTestRunner runner)
    {
    }
}
