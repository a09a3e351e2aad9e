using Recurrent.Distributed;
using Recurrent.Mpi;

namespace Recurrent.Mpi.Tests;

/// <summary>
/// A minimal test runner for a program that every rank of an MPI job runs: each case runs on every rank, in the same
/// order, and the ranks agree on its outcome by a max-reduction of a failure flag (so a case that fails on rank 1 only
/// is reported by rank 0). A case must make the same collective calls on every rank whether it passes or fails.
/// </summary>
internal sealed class MpiTestRunner(MpiProcessGroup group)
{
    private readonly List<(string Name, Action<MpiProcessGroup> Body)> _cases = [];

    public void Add(string name, Action<MpiProcessGroup> body) => _cases.Add((name, body));

    public int Run()
    {
        int passed = 0, failed = 0;
        foreach (var (name, body) in _cases)
        {
            string? failure = null;
            var clock = System.Diagnostics.Stopwatch.StartNew();
            try
            {
                body(group);
            }
            catch (Exception e)
            {
                failure = e.Message.ReplaceLineEndings(" ");
            }
            Span<float> flags = [failure is null ? 0 : 1, failure is null ? 0 : group.Rank + 1];
            group.AllReduce(flags, ReduceOperation.Max);
            if (failure is not null) Console.Error.WriteLine($"FAIL {name} on rank {group.Rank}: {failure}");
            if (flags[0] > 0) failed++;
            else passed++;
            if (group.Rank == 0) Console.Error.WriteLine($"{(flags[0] > 0 ? "FAIL" : "pass")} {name} ({clock.Elapsed.TotalSeconds:F1} s)");
        }
        group.Barrier();
        if (group.Rank == 0) Console.WriteLine($"{passed} passed, {failed} failed");
        return failed == 0 ? 0 : 1;
    }
}

/// <summary>Assertions that throw one-line messages.</summary>
internal static class Check
{
    public static void True(bool condition, string message)
    {
        if (!condition) throw new InvalidOperationException(message);
    }
}
