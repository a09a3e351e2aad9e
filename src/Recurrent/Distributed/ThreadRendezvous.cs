using System.Diagnostics;
using System.Globalization;

namespace Recurrent.Distributed;

/// <summary>
/// What the ranks of one <see cref="ThreadProcessGroup"/> share: a slot of values per rank, the call each rank made,
/// and a reusable barrier that gives up after a timeout or as soon as some rank has failed or left.
/// </summary>
/// <remarks>
/// A collective is two barriers: at the first every rank has copied its values into its slot and named its call; in
/// between every rank reads the slots (and checks that all made the same call); the second keeps a rank from
/// overwriting its slot with its next call while another still reads it. A failure is sticky: once a barrier has
/// timed out, a call mismatched or a rank left, every later call on every rank throws at once.
/// </remarks>
internal sealed class ThreadRendezvous
{
    private readonly object _gate = new();
    private readonly float[][] _slots;
    private readonly (string Kind, int Length, int Argument)[] _calls;
    private int _arrived;
    private long _generation;
    private string? _failure;

    public ThreadRendezvous(int size, TimeSpan timeout)
    {
        (Size, Timeout) = (size, timeout);
        _slots = new float[size][];
        for (int r = 0; r < size; r++) _slots[r] = [];
        _calls = new (string, int, int)[size];
    }

    public int Size { get; }

    public TimeSpan Timeout { get; }

    /// <summary>Rank <paramref name="rank"/>'s slot, at least <paramref name="length"/> long; written only by that rank, before the first barrier.</summary>
    public Span<float> Slot(int rank, int length)
    {
        if (_slots[rank].Length < length) _slots[rank] = new float[length];
        return _slots[rank].AsSpan(0, length);
    }

    /// <summary>Rank <paramref name="rank"/>'s slot, to read between the two barriers.</summary>
    public ReadOnlySpan<float> Read(int rank, int length) => _slots[rank].AsSpan(0, length);

    /// <summary>
    /// The first barrier of a collective: records this rank's call, waits for every rank, then checks that all made
    /// the same call (each rank checks the same records, so either all throw or none does).
    /// </summary>
    public void Arrive(int rank, string kind, int length, int argument)
    {
        _calls[rank] = (kind, length, argument);
        Wait(rank, kind);
        for (int r = 1; r < Size; r++)
        {
            if (_calls[r] != _calls[0])
            {
                string message = $"ThreadProcessGroup: rank {r} called {Describe(_calls[r])} while rank 0 called {Describe(_calls[0])}; every rank must make the same collective calls in the same order.";
                Fail(message);
                throw new InvalidOperationException(message);
            }
        }
    }

    /// <summary>The second barrier: every rank has read the slots.</summary>
    public void Depart(int rank, string kind) => Wait(rank, kind);

    /// <summary>Marks the group failed (a rank left or broke a collective), waking every waiting rank.</summary>
    public void Fail(string reason)
    {
        lock (_gate)
        {
            _failure ??= reason;
            Monitor.PulseAll(_gate);
        }
    }

    private void Wait(int rank, string kind)
    {
        lock (_gate)
        {
            if (_failure is { } failed) throw new InvalidOperationException(failed);
            long generation = _generation;
            if (++_arrived == Size)
            {
                _arrived = 0;
                _generation++;
                Monitor.PulseAll(_gate);
                return;
            }
            long start = Stopwatch.GetTimestamp();              // no Stopwatch object: a warm collective allocates nothing
            // The generation is checked before the failure: a rank released by the last arrival has finished this
            // barrier, even if some rank fails (or leaves the group) right after.
            while (_generation == generation)
            {
                if (_failure is { } reason) throw new InvalidOperationException(reason);
                var left = Timeout - Stopwatch.GetElapsedTime(start);
                if (left <= TimeSpan.Zero)
                {
                    string message = string.Create(CultureInfo.InvariantCulture,
                        $"ThreadProcessGroup: rank {rank} waited {Timeout.TotalSeconds:0.###} s in {kind} for the other ranks; a rank has failed or stopped calling collectives.");
                    _failure = message;
                    Monitor.PulseAll(_gate);
                    throw new TimeoutException(message);
                }
                Monitor.Wait(_gate, left);
            }
        }
    }

    private static string Describe((string Kind, int Length, int Argument) call) => call.Kind switch
    {
        "AllReduce" => $"AllReduce({(ReduceOperation)call.Argument}) of {call.Length} values",
        "Broadcast" => $"Broadcast from rank {call.Argument} of {call.Length} values",
        _ => call.Kind,
    };
}
