namespace Recurrent.Cli;

/// <summary>
/// An <see cref="IProgress{T}"/> that runs its handler on the reporting thread, at once. The trainer reports between
/// steps, so the handler may use the model (to sample text) without racing the training; <see cref="Progress{T}"/>
/// would post to the thread pool instead.
/// </summary>
internal sealed class SynchronousProgress<T>(Action<T> handler) : IProgress<T>
{
    public void Report(T value) => handler(value);
}
