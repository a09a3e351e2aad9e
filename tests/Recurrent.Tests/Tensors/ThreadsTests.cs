using Recurrent.Tensors;

namespace Recurrent.Tests.Tensors;

// No test here sets Threads.DefaultMaxThreads to a valid value: that is process state, which the tests running
// beside these would see.
public class ThreadsTests
{
    [Fact]
    public void ScopesLimitAndRestoreWhenNested()
    {
        int outside = Threads.Current;
        Assert.Equal(Threads.DefaultMaxThreads, outside);
        using (Threads.Limit(1))
        {
            Assert.Equal(1, Threads.Current);
            using (Threads.Limit(3))
            {
                Assert.Equal(3, Threads.Current); // an inner scope replaces the limit, even upward
            }
            Assert.Equal(1, Threads.Current);
        }
        Assert.Equal(outside, Threads.Current);
    }

    [Fact]
    public void AScopeOnOneThreadDoesNotReachAnother()
    {
        using var mine = Threads.Limit(1);
        using var opened = new ManualResetEventSlim();
        using var checkedHere = new ManualResetEventSlim();
        int seenThere = 0, seenThereInScope = 0;
        var other = new Thread(() =>
        {
            seenThere = Threads.Current;
            using (Threads.Limit(5))
            {
                seenThereInScope = Threads.Current;
                opened.Set();
                checkedHere.Wait(); // keep the scope open while this test's thread looks at its own limit
            }
        });
        other.Start();
        Assert.True(opened.Wait(TimeSpan.FromSeconds(30)), "the second thread did not open its scope");
        int seenHere = Threads.Current;
        checkedHere.Set();
        other.Join();
        Assert.Equal(Threads.DefaultMaxThreads, seenThere);
        Assert.Equal(5, seenThereInScope);
        Assert.Equal(1, seenHere);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(-3)]
    public void TheDefaultAndScopesRejectLessThanOneThread(int bad)
    {
        int before = Threads.DefaultMaxThreads;
        var e = Assert.Throws<ArgumentOutOfRangeException>(() => Threads.DefaultMaxThreads = bad);
        Assert.Contains($"DefaultMaxThreads must be at least 1; got {bad}.", e.Message);
        Assert.Equal(before, Threads.DefaultMaxThreads);
        var s = Assert.Throws<ArgumentOutOfRangeException>(() => Threads.Limit(bad));
        Assert.Contains($"maxThreads must be at least 1; got {bad}.", s.Message);
        Assert.Equal(before, Threads.Current);
    }

    [Fact]
    public void AScopeClosedOnAnotherThreadThrowsAndLeavesThatThreadAlone()
    {
        var scope = Threads.Limit(2);
        try
        {
            Exception? error = null;
            int after = 0;
            var other = new Thread(() =>
            {
                error = Record.Exception(scope.Dispose);
                after = Threads.Current;
            });
            other.Start();
            other.Join();
            Assert.Contains("closed on the thread that opened it", Assert.IsType<InvalidOperationException>(error).Message);
            Assert.Equal(Threads.DefaultMaxThreads, after);
        }
        finally
        {
            scope.Dispose();
        }
        Assert.Equal(Threads.DefaultMaxThreads, Threads.Current);
    }

    [Fact]
    public void DisposingADefaultScopeChangesNothing()
    {
        using (Threads.Limit(1))
        {
            default(ThreadLimit).Dispose();
            Assert.Equal(1, Threads.Current);
        }
    }
}
