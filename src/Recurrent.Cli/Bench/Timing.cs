using System.Diagnostics;

namespace Recurrent.Cli.Bench;

/// <summary>
/// The measurement every <c>recurrent bench</c> command reports, the same as the peers' (../shared/peers):
/// warm-up calls, then the median over 7 timed runs of the milliseconds per call.
/// </summary>
internal static class Timing
{
    public const int Runs = 7;

    /// <summary>
    /// Calls <paramref name="call"/> <paramref name="warmup"/> times untimed, times one call to choose how many calls
    /// make a run of at least <paramref name="minRunSeconds"/>, and returns the median of the per-call times.
    /// </summary>
    public static double MedianMs(Action call, int warmup, double minRunSeconds)
    {
        for (int i = 0; i < warmup; i++) call();
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
