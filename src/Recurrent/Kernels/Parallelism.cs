using System.Diagnostics;
using System.Runtime.CompilerServices;
using Recurrent.Tensors;

namespace Recurrent.Kernels;

/// <summary>
/// The worker threads that every parallel kernel shares (GEMM, the fused recurrent kernels): a fixed set of
/// persistent threads that spin briefly, then sleep, between calls.
/// </summary>
/// <remarks>
/// <para>
/// A recurrent layer issues one small matrix product per time step, thousands per second, so waking threads through
/// the OS for each one would cost more than the product. The workers therefore spin for a short while
/// (<see cref="SpinMicroseconds"/>) after each piece of work before they block. Dispatch allocates nothing.
/// </para>
/// <para>
/// One parallel region runs at a time. A call made from inside a region (a kernel inside a parallel kernel), or
/// while another thread holds the workers, runs on the calling thread alone: results never depend on the split.
/// </para>
/// </remarks>
internal static class Parallelism
{
    private static readonly object Gate = new();
    private static readonly object SleepLock = new();
    private static Thread[] _workers = [];

    private static IParallelTask? _task;
    private static int _count;
    private static int _next;
    private static int _pending;
    private static int _sleepers;

    // Worker w runs a region when _tickets[w * TicketStride] changes; padding keeps each on its own cache line.
    private const int TicketStride = 16;
    private static int[] _tickets = [];

    [ThreadStatic] private static bool _inRegion;

    /// <summary>How long, in microseconds, an idle worker spins before it sleeps. Default 200.</summary>
    public static int SpinMicroseconds { get; set; } = 200;

    /// <summary>
    /// Runs <c>task.Run(i)</c> for every <c>i</c> in <c>[0, count)</c> over up to <see cref="Threads.Current"/> threads,
    /// the calling thread's limit.
    /// </summary>
    /// <param name="count">Number of pieces.</param>
    /// <param name="task">The work; the caller's thread takes part.</param>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    internal static void For(int count, IParallelTask task)
    {
        int threads = Math.Min(Threads.Current, count);
        if (threads <= 1 || _inRegion || !Monitor.TryEnter(Gate))
        {
            for (int i = 0; i < count; i++) task.Run(i);
            return;
        }
        try
        {
            EnsureWorkers(threads - 1);
            _task = task;
            _count = count;
            _next = 0;
            _pending = threads - 1;
            for (int w = 0; w < threads - 1; w++) Interlocked.Increment(ref _tickets[w * TicketStride]);
            if (Volatile.Read(ref _sleepers) > 0)
            {
                lock (SleepLock) Monitor.PulseAll(SleepLock);
            }
            _inRegion = true;
            try { RunPieces(task); }
            finally { _inRegion = false; }
            var spin = new SpinWait();
            while (Volatile.Read(ref _pending) > 0) spin.SpinOnce(sleep1Threshold: -1);
            _task = null;
        }
        finally
        {
            Monitor.Exit(Gate);
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void RunPieces(IParallelTask task)
    {
        int i;
        while ((i = Interlocked.Increment(ref _next) - 1) < _count) task.Run(i);
    }

    private static int Ticket(int worker) => Volatile.Read(ref _tickets[worker * TicketStride]);

    private static void EnsureWorkers(int needed)
    {
        if (_workers.Length >= needed) return;
        var tickets = new int[needed * TicketStride];
        Array.Copy(_tickets, tickets, _tickets.Length);
        _tickets = tickets;
        var workers = new Thread[needed];
        Array.Copy(_workers, workers, _workers.Length);
        for (int w = _workers.Length; w < needed; w++)
        {
            int id = w;
            workers[w] = new Thread(() => WorkerLoop(id)) { IsBackground = true, Name = $"Recurrent worker {w + 1}" };
            workers[w].Start();
        }
        _workers = workers;
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void WorkerLoop(int id)
    {
        _inRegion = true;
        int seen = 0;
        var clock = Stopwatch.StartNew();
        while (true)
        {
            clock.Restart();
            long spinTicks = Stopwatch.Frequency * SpinMicroseconds / 1_000_000;
            while (Ticket(id) == seen && clock.ElapsedTicks < spinTicks) Thread.SpinWait(16);
            if (Ticket(id) == seen)
            {
                lock (SleepLock)
                {
                    Interlocked.Increment(ref _sleepers);
                    while (Ticket(id) == seen) Monitor.Wait(SleepLock);
                    Interlocked.Decrement(ref _sleepers);
                }
            }
            seen = Ticket(id);
            RunPieces(_task!);
            Interlocked.Decrement(ref _pending);
        }
    }
}
