using Recurrent.Distributed;

namespace Recurrent.Mpi.Tests;

/// <summary>
/// <see cref="MpiProcessGroup"/>'s operations against a reference each rank computes alone (every rank's input is a
/// known function of its rank, so any rank can add them all up in double precision), at sizes that hit vector tails and
/// with a chunk size small enough that a buffer spans several chunks; and the bit-identity of the result on every rank.
/// </summary>
internal static class GroupOperationTests
{
    private static readonly int[] Sizes = [1, 7, 8, 33, 257, 4099, 100_003];

    public static void AddTo(MpiTestRunner runner)
    {
        runner.Add("rank and size match mpirun's", g =>
        {
            int expected = int.Parse(Environment.GetEnvironmentVariable("OMPI_COMM_WORLD_SIZE") ?? "-1");
            Check.True(g.Size == expected, $"Size is {g.Size}; OMPI_COMM_WORLD_SIZE is {expected}.");
            Check.True(MpiProcessGroup.IsLaunchedByMpirun, "IsLaunchedByMpirun is false under mpirun.");
            Span<float> ranks = [g.Rank];
            g.AllReduce(ranks);
            Check.True(ranks[0] == g.Size * (g.Size - 1) / 2, $"the ranks sum to {ranks[0]}; expected {g.Size * (g.Size - 1) / 2} (ranks 0 … {g.Size - 1}, each once).");
            Check.True(g.LibraryVersion.StartsWith("Open MPI", StringComparison.Ordinal), $"LibraryVersion is '{g.LibraryVersion}'.");
        });
        foreach (var operation in new[] { ReduceOperation.Sum, ReduceOperation.Mean, ReduceOperation.Max })
        {
            foreach (int chunk in new[] { 1 << 24, 1000 })
            {
                runner.Add($"AllReduce {operation}, chunks of {chunk} floats, against the reference", g => AllReduceMatchesReference(g, operation, chunk));
            }
        }
        runner.Add("AllReduce leaves bit-identical values on every rank", BitIdentical);
        runner.Add("Broadcast copies the root's values (root 0 and the last rank, several chunks)", g =>
        {
            foreach (int root in new[] { 0, g.Size - 1 })
            {
                g.ChunkElements = 1000;
                var values = Inputs(g.Rank, 2500);
                g.Broadcast(values, root);
                g.ChunkElements = 1 << 24;
                var expected = Inputs(root, 2500);
                for (int i = 0; i < values.Length; i++) Check.True(values[i] == expected[i], $"root {root}: element {i} is {values[i]}; expected {expected[i]}.");
            }
        });
        runner.Add("Barrier returns on every rank", g => g.Barrier());
        runner.Add("a root outside the group is refused naming it", g =>
        {
            try
            {
                g.Broadcast(new float[3], g.Size);
                throw new InvalidOperationException("Broadcast to root = Size did not throw.");
            }
            catch (ArgumentOutOfRangeException e)
            {
                Check.True(e.Message.Contains($"root is {g.Size}", StringComparison.Ordinal), $"message: {e.Message}");
            }
        });
    }

    /// <summary>Rank r's input: element i = sin(0.37·i + 1.7·r)·(1 + i mod 13), different on every rank, with a range of magnitudes.</summary>
    internal static float[] Inputs(int rank, int length)
    {
        var values = new float[length];
        for (int i = 0; i < length; i++) values[i] = (float)(Math.Sin(0.37 * i + 1.7 * rank) * (1 + i % 13));
        return values;
    }

    private static void AllReduceMatchesReference(MpiProcessGroup g, ReduceOperation operation, int chunk)
    {
        g.ChunkElements = chunk;
        try
        {
            foreach (int n in Sizes)
            {
                var values = Inputs(g.Rank, n);
                var all = Enumerable.Range(0, g.Size).Select(r => Inputs(r, n)).ToArray();
                g.AllReduce(values, operation);
                for (int i = 0; i < n; i++)
                {
                    double expected = operation == ReduceOperation.Max ? double.NegativeInfinity : 0;
                    for (int r = 0; r < g.Size; r++)
                    {
                        double x = all[r][i];
                        expected = operation == ReduceOperation.Max ? Math.Max(expected, x) : expected + x;
                    }
                    if (operation == ReduceOperation.Mean) expected /= g.Size;
                    // A float sum of Size terms of magnitude ≤ 13 rounds by at most Size · 2⁻²⁴ · 13 · Size.
                    double tolerance = operation == ReduceOperation.Max ? 0 : 13.0 * g.Size * g.Size * Math.Pow(2, -23);
                    Check.True(Math.Abs(values[i] - expected) <= tolerance, $"n = {n}: element {i} is {values[i]}; expected {expected} ± {tolerance}.");
                }
            }
        }
        finally
        {
            g.ChunkElements = 1 << 24;
        }
    }

    private static void BitIdentical(MpiProcessGroup g)
    {
        foreach (int n in Sizes)
        {
            var values = Inputs(g.Rank, n);
            g.AllReduce(values);
            var root = (float[])values.Clone();
            g.Broadcast(root, 0);
            int differing = 0;
            for (int i = 0; i < n; i++) if (BitConverter.SingleToInt32Bits(root[i]) != BitConverter.SingleToInt32Bits(values[i])) differing++;
            Check.True(differing == 0, $"n = {n}: {differing} elements differ in their bits from rank 0's.");
        }
    }
}
