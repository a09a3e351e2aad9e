namespace Recurrent.Tensors;

/// <summary>
/// A scope opened by <see cref="Threads.Limit"/>: while it is open, the kernels run by the thread that opened it use
/// at most the number of threads it set. Disposing it restores the limit that was in effect before.
/// </summary>
/// <remarks>
/// Use it with <c>using</c>. Disposing a default instance does nothing; disposing an instance twice restores twice,
/// so close each scope once, innermost first.
/// </remarks>
public readonly struct ThreadLimit : IDisposable
{
    private readonly int _previous;
    private readonly int _threadId; // 0 for a default instance, which owns no scope

    internal ThreadLimit(int previous, int threadId) => (_previous, _threadId) = (previous, threadId);

    /// <summary>Restores the limit that was in effect on this thread before the scope was opened.</summary>
    /// <exception cref="InvalidOperationException">Called on another thread than the one that opened the scope.</exception>
    public void Dispose()
    {
        if (_threadId == 0) return;
        if (_threadId != Environment.CurrentManagedThreadId)
        {
            throw new InvalidOperationException(
                $"A thread limit must be closed on the thread that opened it (managed thread {_threadId}); this is thread {Environment.CurrentManagedThreadId}. " +
                "Open it inside the work it limits, not around an await.");
        }
        Threads.Restore(_previous);
    }
}
