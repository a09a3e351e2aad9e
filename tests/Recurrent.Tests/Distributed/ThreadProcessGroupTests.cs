using System.Diagnostics;
using Recurrent.Distributed;
using Recurrent.Tensors;

namespace Recurrent.Tests.Distributed;

/// <summary>
/// In-process ranks: every collective against a naive reference computed from all ranks' inputs, identical results on
/// every rank, and failures (a rank that throws, stops calling or calls something else) that end every rank quickly
/// with a one-line message instead of a hang.
/// </summary>
public class ThreadProcessGroupTests
{
    /// <summary>Rank r's input of length n: values of mixed signs and magnitudes, so that the order of addition shows in the bits.</summary>
    private static float[] Input(int rank, int length)
    {
        var rng = new Rng((ulong)(1000 + rank));
        return Enumerable.Range(0, length).Select(_ => (float)((rng.NextDouble() - 0.5) * Math.Pow(10, rng.Next(7) - 3))).ToArray();
    }

    /// <summary>The reference: element by element, x₀ then + x₁, + x₂, … in rank order (max for Max), in float, then / N for Mean.</summary>
    private static float[] Reference(int ranks, int length, ReduceOperation operation)
    {
        var inputs = Enumerable.Range(0, ranks).Select(r => Input(r, length)).ToArray();
        var result = new float[length];
        for (int i = 0; i < length; i++)
        {
            float acc = inputs[0][i];
            for (int r = 1; r < ranks; r++) acc = operation == ReduceOperation.Max ? MathF.Max(acc, inputs[r][i]) : acc + inputs[r][i];
            result[i] = operation == ReduceOperation.Mean ? acc / ranks : acc;
        }
        return result;
    }

    public static TheoryData<int, int, ReduceOperation> ReduceCases()
    {
        var cases = new TheoryData<int, int, ReduceOperation>();
        foreach (int ranks in new[] { 1, 3, 4 })
            foreach (int length in new[] { 1, 7, 8, 9, 1000 })
                foreach (var operation in Enum.GetValues<ReduceOperation>())
                    cases.Add(ranks, length, operation);
        return cases;
    }

    [Theory]
    [MemberData(nameof(ReduceCases))]
    public void AllReduceMatchesTheNaiveReferenceOnEveryRank(int ranks, int length, ReduceOperation operation)
    {
        var expected = Reference(ranks, length, operation);
        var results = Ranks.Run(ranks, group =>
        {
            var values = Input(group.Rank, length);
            group.AllReduce(values, operation);
            return values;
        });
        foreach (var result in results) Assert.Equal(expected, result);   // bit for bit, on every rank
    }

    [Theory]
    [InlineData(1, 7, 0)]
    [InlineData(3, 1, 0)]
    [InlineData(3, 9, 2)]
    [InlineData(4, 8, 1)]
    [InlineData(4, 1000, 3)]
    public void BroadcastCopiesTheRootsValuesToEveryRank(int ranks, int length, int root)
    {
        var results = Ranks.Run(ranks, group =>
        {
            var values = Input(group.Rank, length);
            group.Broadcast(values, root);
            return values;
        });
        foreach (var result in results) Assert.Equal(Input(root, length), result);
    }

    [Fact]
    public void RepeatedCollectivesOfChangingLengthsStayInStep()
    {
        // Slots are reused from call to call: a fast rank must not overwrite its slot while a slow one still reads it.
        var results = Ranks.Run(3, group =>
        {
            double total = 0;
            for (int call = 0; call < 300; call++)
            {
                var values = new float[1 + call % 17];
                values.AsSpan().Fill(group.Rank + call);
                if (call % 3 == 0) group.Barrier();
                group.AllReduce(values);
                total += values.Sum();
            }
            return total;
        });
        double expected = Enumerable.Range(0, 300).Sum(call => (1 + call % 17) * (3.0 * call + 3));
        Assert.All(results, r => Assert.Equal(expected, r));
    }

    [Fact]
    public void ARankThatThrowsWithoutLeavingMakesTheOthersTimeOut()
    {
        var timeout = TimeSpan.FromSeconds(0.5);
        var groups = ThreadProcessGroup.Create(3, timeout);
        var errors = new Exception?[3];
        var clock = Stopwatch.StartNew();
        var threads = Enumerable.Range(0, 3).Select(rank => new Thread(() =>
        {
            try
            {
                var values = new float[4];
                groups[rank].AllReduce(values);
                if (rank == 1) throw new InvalidDataException("rank 1 fails between collectives");
                groups[rank].AllReduce(values);                // ranks 0 and 2 wait here for rank 1, which never comes
            }
            catch (Exception e)
            {
                errors[rank] = e;
            }
        })).ToList();
        threads.ForEach(t => t.Start());
        threads.ForEach(t => t.Join());
        Assert.True(clock.Elapsed < timeout + TimeSpan.FromSeconds(5), $"the ranks took {clock.Elapsed} to fail");
        Assert.IsType<InvalidDataException>(errors[1]);
        foreach (int rank in new[] { 0, 2 })
        {
            var error = errors[rank];
            Assert.True(error is TimeoutException or InvalidOperationException, $"rank {rank}: {error}");
            Assert.DoesNotContain('\n', error!.Message);
            Assert.Contains("failed or stopped calling collectives", error.Message);
        }
        // The group stays failed: a later call fails at once instead of waiting again.
        var later = Stopwatch.StartNew();
        Assert.ThrowsAny<Exception>(() => groups[0].Barrier());
        Assert.True(later.Elapsed < timeout, "a failed group waited again");
    }

    [Fact]
    public void ARankThatLeavesMakesTheOthersFailAtOnce()
    {
        // Ranks.Run disposes a rank's group when its body ends, as a `using` does when the rank throws.
        var clock = Stopwatch.StartNew();
        var error = Assert.Throws<AggregateException>(() => Ranks.Run(3, group =>
        {
            group.Barrier();
            if (group.Rank == 2) throw new InvalidDataException("rank 2 fails");
            group.AllReduce(new float[5]);
            return 0;
        }, timeout: TimeSpan.FromSeconds(30)));
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(10), $"the ranks took {clock.Elapsed} to fail; the timeout is 30 s");
        Assert.Equal(3, error.InnerExceptions.Count);
        var others = error.InnerExceptions.Where(e => !e.Message.StartsWith("rank 2", StringComparison.Ordinal)).ToList();
        Assert.Equal(2, others.Count);
        Assert.All(others, e => Assert.Contains("rank 2 has left the group", e.Message));
        Assert.All(error.InnerExceptions, e => Assert.DoesNotContain('\n', e.InnerException!.Message));
    }

    [Fact]
    public void MismatchedCallsFailOnEveryRankNamingBoth()
    {
        var error = Assert.Throws<AggregateException>(() => Ranks.Run(2, group =>
        {
            var values = new float[group.Rank == 0 ? 6 : 7];
            group.AllReduce(values);
            return 0;
        }));
        Assert.Equal(2, error.InnerExceptions.Count);
        Assert.All(error.InnerExceptions, e => Assert.Contains("rank 1 called AllReduce(Sum) of 7 values while rank 0 called AllReduce(Sum) of 6 values", e.Message));
    }

    [Fact]
    public void ArgumentsAreChecked()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => ThreadProcessGroup.Create(0));
        Assert.Throws<ArgumentOutOfRangeException>(() => ThreadProcessGroup.Create(2, TimeSpan.Zero));
        var single = ThreadProcessGroup.Create(1)[0];
        Assert.Equal((0, 1), (single.Rank, single.Size));
        var error = Assert.Throws<ArgumentOutOfRangeException>(() => single.Broadcast(new float[3], root: 1));
        Assert.Contains("expected a rank in [0, 1)", error.Message);
        single.Dispose();
        Assert.Throws<ObjectDisposedException>(() => single.Barrier());
    }
}
