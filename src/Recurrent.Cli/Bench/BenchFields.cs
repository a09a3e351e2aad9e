namespace Recurrent.Cli.Bench;

/// <summary>The speed fields every <c>bench</c> result carries beside its time: <c>gflops</c> and <c>peak_fraction</c> (<see cref="MachinePeak"/>).</summary>
internal static class BenchFields
{
    /// <summary>
    /// <c>gflops</c> rounded to 2 decimals and <c>peak_fraction</c> to 4; <c>peak_fraction</c> is left out where the
    /// processor has no FMA the kernels use (nothing to divide by).
    /// </summary>
    public static (string Key, object Value)[] Speed(double gflops, double? fraction) => fraction is { } f
        ? [("gflops", Math.Round(gflops, 2)), ("peak_fraction", f)]
        : [("gflops", Math.Round(gflops, 2))];

    /// <summary>The fraction as a percentage for the text output, or "n/a".</summary>
    public static string Percent(double? fraction) => fraction is { } f ? $"{100 * f:F1} %" : "n/a";

    /// <summary>The peak the fraction divides by, for the text output: "peak 123.4 GFLOP/s (512-bit FMA, 2 threads)".</summary>
    public static string PeakNote(int threads) => MachinePeak.KernelBits == 0
        ? "no FMA peak to compare with (no AVX2/FMA)"
        : $"peak {MachinePeak.Gflops(MachinePeak.KernelBits, threads):F1} GFLOP/s ({MachinePeak.KernelBits}-bit FMA, {threads} thread(s), measured in this run)";
}
