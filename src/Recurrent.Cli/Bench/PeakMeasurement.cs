using System.Runtime.Intrinsics.X86;

namespace Recurrent.Cli.Bench;

/// <summary>
/// Measures the float32 FMA peak in GFLOP/s at one vector width on a number of threads: each thread runs its own
/// <see cref="FmaChains"/>; the threads are created once and released together by a barrier on every call, and the
/// call ends when the slowest has finished, so the time is the wall time of the slowest; the figure is the median call
/// of <see cref="Timing.MedianMs"/>.
/// </summary>
internal static class PeakMeasurement
{
    /// <summary>Iterations per thread and call: 12 × 1M FMAs, a few milliseconds, long beside the barriers' hand-off (microseconds).</summary>
    private const long Iterations = 1_000_000;

    /// <summary>Whether .NET runs <paramref name="bits"/>-wide FMAs here (256: <see cref="Fma"/>; 512: <see cref="Avx512F"/>, off under <c>DOTNET_EnableAVX512F=0</c>).</summary>
    public static bool IsAvailable(int bits) => bits switch
    {
        256 => Fma.IsSupported && Avx.IsSupported,
        512 => Avx512F.IsSupported,
        _ => false,
    };

    /// <summary>The instruction set a measurement at <paramref name="bits"/> runs, as reported in the JSON <c>isa</c> field.</summary>
    public static string Isa(int bits) => bits == 512 ? "Avx512F" : "Avx+Fma";

    /// <summary>
    /// GFLOP/s of <paramref name="threads"/> threads running 12 chains of <paramref name="bits"/>-wide FMAs, the median of
    /// <see cref="Timing.Runs"/> runs of at least <paramref name="runSeconds"/> after <paramref name="warmupSeconds"/> of warm-up
    /// (which also lets the clock settle).
    /// </summary>
    public static double Gflops(int bits, int threads, double warmupSeconds, double runSeconds)
    {
        if (!IsAvailable(bits)) throw new PlatformNotSupportedException($"{bits}-bit FMA is not available here (Avx512F {Avx512F.IsSupported}, Fma {Fma.IsSupported}).");
        Func<long, float> kernel = bits == 512 ? FmaChains.Run512 : FmaChains.Run256;
        using var team = new Team(kernel, threads);
        double ms = Timing.MedianMs(team.Call, warmup: 1, minRunSeconds: runSeconds, warmupSeconds: warmupSeconds);
        double flops = 2.0 * (bits / 32) * FmaChains.Chains * Iterations * threads;
        return flops / (ms * 1e6);
    }

    /// <summary>
    /// The threads of one measurement: the calling thread and <c>threads − 1</c> workers, created once, which on every
    /// call pass a start barrier together, run their chains and meet at an end barrier; thread creation is not timed.
    /// </summary>
    private sealed class Team : IDisposable
    {
        private readonly Func<long, float> _kernel;
        private readonly Barrier _start, _end;
        private readonly float[] _sink;
        private readonly List<Thread> _workers = [];
        private volatile bool _stop;

        public Team(Func<long, float> kernel, int threads)
        {
            _kernel = kernel;
            _sink = new float[threads];
            _start = new Barrier(threads);
            _end = new Barrier(threads);
            for (int t = 1; t < threads; t++)
            {
                int index = t;
                var worker = new Thread(() => Work(index)) { IsBackground = true, Name = $"peak {index}" };
                worker.Start();
                _workers.Add(worker);
            }
        }

        /// <summary>One timed call: all threads start together; it returns when the slowest has finished.</summary>
        public void Call()
        {
            _start.SignalAndWait();
            _sink[0] = _kernel(Iterations);
            _end.SignalAndWait();
        }

        private void Work(int index)
        {
            while (true)
            {
                _start.SignalAndWait();
                if (_stop) return;
                _sink[index] = _kernel(Iterations);
                _end.SignalAndWait();
            }
        }

        /// <summary>Releases the workers from the start barrier with the stop flag set and waits for them to end.</summary>
        public void Dispose()
        {
            _stop = true;
            _start.SignalAndWait();
            foreach (var worker in _workers) worker.Join();
            _start.Dispose();
            _end.Dispose();
        }
    }
}
