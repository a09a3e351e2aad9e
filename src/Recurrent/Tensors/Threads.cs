namespace Recurrent.Tensors;

/// <summary>
/// How many threads Recurrent's kernels (matrix products, the fused recurrent layers) may use: a process default,
/// and scopes that set the limit for the work of one thread.
/// </summary>
/// <remarks>
/// <para>
/// A command that runs one model sets <see cref="DefaultMaxThreads"/> once. Code that runs several models at once
/// (tests that xunit runs in parallel, a server with one model per request, a trainer beside an evaluator) gives
/// each its own limit with <see cref="Limit"/> instead:
/// </para>
/// <code>
/// using (Threads.Limit(1))
/// {
///     model.Fit(...); // the kernels this thread runs use one thread
/// }
/// </code>
/// <para>
/// The scope belongs to the calling thread, so two threads' limits never race: a process-wide setting changed by
/// one of them would change the other's split while it runs, and a test that sets and restores it would leak into
/// the tests that run beside it. For the same reason the scope does not flow into tasks the thread starts, nor past
/// an <c>await</c> that resumes elsewhere. The limit never changes a result: every split sums each element in the
/// same order.
/// </para>
/// </remarks>
public static class Threads
{
    private static int _defaultMaxThreads = Environment.ProcessorCount;

    // The limit of this thread's innermost scope; 0 when no scope is open.
    [ThreadStatic] private static int _scoped;

    /// <summary>
    /// The number of threads a kernel may use, including the caller's, on threads with no <see cref="Limit"/> scope
    /// open. Default <see cref="Environment.ProcessorCount"/>.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">The value is less than 1.</exception>
    public static int DefaultMaxThreads
    {
        get => Volatile.Read(ref _defaultMaxThreads);
        set => Volatile.Write(ref _defaultMaxThreads, Validate(value, nameof(DefaultMaxThreads)));
    }

    /// <summary>
    /// The limit in effect on the calling thread: that of its innermost open <see cref="Limit"/> scope, or else
    /// <see cref="DefaultMaxThreads"/>.
    /// </summary>
    public static int Current => _scoped > 0 ? _scoped : DefaultMaxThreads;

    /// <summary>
    /// Sets the number of threads the kernels run by the calling thread may use, until the returned scope is disposed.
    /// </summary>
    /// <param name="maxThreads">Threads, including the caller's; at least 1. It replaces the limit in effect, so a
    /// scope may allow more threads than <see cref="DefaultMaxThreads"/> or an enclosing scope.</param>
    /// <returns>A scope whose <see cref="ThreadLimit.Dispose"/> restores the limit that was in effect before, so
    /// scopes nest. Dispose it on the thread that opened it.</returns>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="maxThreads"/> is less than 1.</exception>
    public static ThreadLimit Limit(int maxThreads)
    {
        Validate(maxThreads, nameof(maxThreads));
        var scope = new ThreadLimit(_scoped, Environment.CurrentManagedThreadId);
        _scoped = maxThreads;
        return scope;
    }

    /// <summary>Closes a scope opened by <see cref="Limit"/>: the thread's limit becomes <paramref name="previous"/> again.</summary>
    internal static void Restore(int previous) => _scoped = previous;

    private static int Validate(int value, string name) => value >= 1
        ? value
        : throw new ArgumentOutOfRangeException(name, value, $"{name} must be at least 1; got {value}.");
}
