using System.Runtime.Intrinsics.X86;
using System.Text.Json.Nodes;

namespace Recurrent.Tests.Cli;

/// <summary>
/// <c>recurrent bench peak --json</c> and the <c>peak_fraction</c> of <c>bench gemm --json</c>, run as processes.
/// No timing thresholds: only that the figures exist, are positive, and that 512 bits appear only where .NET can run them.
/// </summary>
public class BenchPeakTests
{
    [Fact]
    public void PeakPrintsPositiveGflopsAt256AndAt512OnlyWhenSupported()
    {
        var result = CliProcess.Run(AppContext.BaseDirectory, "bench", "peak", "--json");
        Assert.True(result.ExitCode == 0, result.Stderr);
        var lines = result.Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => JsonNode.Parse(l)!.AsObject()).ToList();
        Assert.All(lines, line =>
        {
            Assert.Equal("peak", (string?)line["op"]);
            Assert.True((double)line["gflops"]! > 0, line.ToJsonString());
            Assert.False(string.IsNullOrWhiteSpace((string?)line["cpu"]));
            Assert.False(string.IsNullOrWhiteSpace((string?)line["isa"]));
        });
        var widths = lines.Select(l => (int)l["bits"]!).ToHashSet();
        Assert.Equal(Fma.IsSupported, widths.Contains(256));
        Assert.Equal(Avx512F.IsSupported, widths.Contains(512));
        int[] expectedThreads = Environment.ProcessorCount == 1 ? [1] : [1, Environment.ProcessorCount];
        foreach (int bits in widths) Assert.Equal(expectedThreads, lines.Where(l => (int)l["bits"]! == bits).Select(l => (int)l["threads"]!).Order());
    }

    [SkippableFact]
    public void GemmReportsAPeakFractionBetweenZeroAndOneAndAHalf()
    {
        Skip.IfNot(Fma.IsSupported && Avx2.IsSupported, "No AVX2/FMA here (or disabled in the runtime): bench gemm has no peak to divide by.");
        var result = CliProcess.Run(AppContext.BaseDirectory, "bench", "gemm", "--m", "64", "--n", "64", "--k", "64", "--threads", "1", "--json");
        Assert.True(result.ExitCode == 0, result.Stderr);
        var line = JsonNode.Parse(result.Stdout.Trim())!.AsObject();
        Assert.True((double)line["gflops"]! > 0, result.Stdout);
        double fraction = (double)line["peak_fraction"]!;
        Assert.True(fraction > 0 && fraction <= 1.5, result.Stdout);
    }
}
