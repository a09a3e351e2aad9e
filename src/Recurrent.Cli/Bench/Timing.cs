using System.Diagnostics;

namespace Recurrent.Cli.Bench;

/// <summary>
/// The measurement every <c>recurrent bench</c> command reports, the same as the peers' (../shared/peers):
/// warm-up calls, then the median over 7 timed runs of the milliseconds per call.
/// </summary>
internal static class Timing
{
    public const int Runs = 7;

    /// <summary>Seconds of untimed calls before measuring, so that the JIT has promoted the hot code to its optimised tier.</summary>
    public const double WarmupSeconds = 1.5;

    /// <summary>
    /// Calls <paramref name="call"/> untimed at least <paramref name="warmup"/> times and for at least
    /// <paramref name="warmupSeconds"/> (default <see cref="WarmupSeconds"/>), times one call to choose how many calls make a run of at least
    /// <paramref name="minRunSeconds"/>, and returns the median of the per-call times.
    /// </summary>
    public static double MedianMs(Action call, int warmup, double minRunSeconds, double warmupSeconds = WarmupSeconds)
    {
        var warm = Stopwatch.StartNew();
        for (int i = 0; i < warmup || warm.Elapsed.TotalSeconds < warmupSeconds; i++) call();
        var sw = Stopwatch.StartNew();
        call();
        int n = Math.Max(1, (int)Math.Ceiling(minRunSeconds / Math.Max(sw.Elapsed.TotalSeconds, 1e-7)));
        var perCall = new double[Runs];
        for (int r = 0; r < Runs; r++)
        {
            sw.Restart();
            for (int i = 0; i < n; i++) call();
            perCall[r] = sw.Elapsed.TotalMilliseconds / n;
        }
        Array.Sort(perCall);
        return perCall[Runs / 2];
    }
}
