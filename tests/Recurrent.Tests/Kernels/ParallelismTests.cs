using Recurrent.Kernels;
using Recurrent.Tensors;

namespace Recurrent.Tests.Kernels;

public class ParallelismTests
{
    private sealed class CountingTask(int count) : IParallelTask
    {
        public readonly int[] Hits = new int[count];
        public readonly HashSet<int> Threads = [];

        public void Run(int index)
        {
            Interlocked.Increment(ref Hits[index]);
            lock (Threads) Threads.Add(Environment.CurrentManagedThreadId);
        }
    }

    [Fact]
    public void EveryPieceRunsExactlyOnce()
    {
        for (int round = 0; round < 200; round++)
        {
            var task = new CountingTask(1 + round % 37);
            Parallelism.For(task.Hits.Length, task);
            Assert.All(task.Hits, h => Assert.Equal(1, h));
        }
    }

    [Fact]
    public void ConcurrentCallersBothComplete()
    {
        var results = new int[4][];
        Parallel.For(0, 4, i =>
        {
            var task = new CountingTask(64);
            for (int r = 0; r < 50; r++) Parallelism.For(64, task);
            results[i] = task.Hits;
        });
        Assert.All(results, hits => Assert.All(hits, h => Assert.Equal(50, h)));
    }

    [Fact]
    public void NestedCallsRunOnTheCallingThread()
    {
        var inner = new CountingTask(8);
        var outer = new NestedTask(inner);
        Parallelism.For(4, outer);
        Assert.All(inner.Hits, h => Assert.Equal(4, h));
    }

    private sealed class NestedTask(CountingTask inner) : IParallelTask
    {
        public void Run(int index) => Parallelism.For(inner.Hits.Length, inner);
    }

    [Fact]
    public void OneThreadScopeRunsEveryPieceOnTheCaller()
    {
        var task = new CountingTask(64);
        using (Threads.Limit(1)) Parallelism.For(task.Hits.Length, task);
        Assert.All(task.Hits, h => Assert.Equal(1, h));
        Assert.Equal([Environment.CurrentManagedThreadId], task.Threads);
    }

    [Fact]
    public void ScopeCapsTheThreadsUsed()
    {
        var task = new CountingTask(64);
        using (Threads.Limit(2))
        {
            for (int r = 0; r < 20; r++) Parallelism.For(task.Hits.Length, task);
        }
        Assert.All(task.Hits, h => Assert.Equal(20, h));
        Assert.InRange(task.Threads.Count, 1, 2);
    }
}
