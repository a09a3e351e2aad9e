using Recurrent.Distributed;

namespace Recurrent.Tests.Distributed;

/// <summary>Runs one function per rank, each on a thread of its own with its own <see cref="ThreadProcessGroup"/>, as MPI would run processes.</summary>
internal static class Ranks
{
    /// <summary>Runs <paramref name="body"/> on <paramref name="size"/> threads and returns each rank's result; rethrows the ranks' failures.</summary>
    public static T[] Run<T>(int size, Func<ThreadProcessGroup, T> body, TimeSpan? timeout = null)
    {
        var groups = ThreadProcessGroup.Create(size, timeout ?? TimeSpan.FromSeconds(120));
        var results = new T[size];
        var errors = new Exception?[size];
        var threads = new Thread[size];
        for (int r = 0; r < size; r++)
        {
            int rank = r;
            threads[r] = new Thread(() =>
            {
                // Disposing the rank's group on the way out makes the others fail at once if this rank fails.
                using var group = groups[rank];
                try
                {
                    results[rank] = body(group);
                }
                catch (Exception e)
                {
                    errors[rank] = e;
                }
            });
            threads[r].Start();
        }
        foreach (var thread in threads) thread.Join();
        if (errors.Any(e => e is not null))
        {
            throw new AggregateException(errors.Select((e, r) => e is null ? null : new InvalidOperationException($"rank {r}: {e.Message}", e)).OfType<Exception>());
        }
        return results;
    }

    /// <summary>The largest |a − b| over every element of two models' parameter lists.</summary>
    public static double MaxDifference(IReadOnlyList<float[]> a, IReadOnlyList<float[]> b)
    {
        Assert.Equal(a.Count, b.Count);
        double max = 0;
        for (int p = 0; p < a.Count; p++)
        {
            Assert.Equal(a[p].Length, b[p].Length);
            for (int i = 0; i < a[p].Length; i++) max = Math.Max(max, Math.Abs((double)a[p][i] - b[p][i]));
        }
        return max;
    }
}
