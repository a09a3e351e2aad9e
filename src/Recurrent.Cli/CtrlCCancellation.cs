namespace Recurrent.Cli;

/// <summary>
/// Turns the first Ctrl-C of a training command into a cancellation (the trainer stops after the step and saves a
/// checkpoint) and lets a second one end the process at once, as usual. Unhooks itself when disposed.
/// </summary>
internal sealed class CtrlCCancellation : IDisposable
{
    private readonly CancellationTokenSource _source = new();
    private readonly ConsoleCancelEventHandler _handler;

    public CtrlCCancellation(ProgressLine progressLine)
    {
        _handler = (_, e) =>
        {
            if (_source.IsCancellationRequested) return; // a second Ctrl-C ends the process at once
            e.Cancel = true;
            _source.Cancel();
            progressLine.Clear();
            Console.Error.WriteLine("Stopping after this step; saving a checkpoint (Ctrl-C again to quit at once).");
        };
        Console.CancelKeyPress += _handler;
    }

    public CancellationToken Token => _source.Token;

    public void Dispose()
    {
        Console.CancelKeyPress -= _handler;
        _source.Dispose();
    }
}
