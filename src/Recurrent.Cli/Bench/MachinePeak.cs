using System.Collections.Concurrent;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics.X86;
using Recurrent.Kernels;

namespace Recurrent.Cli.Bench;

/// <summary>
/// This machine's float32 FMA peak as the <c>bench</c> commands divide by it: <c>peak_fraction = gflops / peak</c>, the
/// peak at the vector width the kernels actually use (<see cref="KernelBits"/>) on the number of threads used.
/// </summary>
/// <remarks>
/// Each (width, threads) peak is measured once per process, lazily, with a short run (~0.2 s: 0.05 s warm-up, 7 runs of
/// ≥ 0.02 s) and cached; <c>recurrent bench peak</c> measures the same thing longer. The processor model and the
/// instruction sets are read here too, for the reports.
/// </remarks>
internal static class MachinePeak
{
    private static readonly ConcurrentDictionary<(int Bits, int Threads), double> Cache = new();
    private static readonly Lazy<string> CpuModel = new(ReadCpuModel);
    private static readonly Lazy<HashSet<string>> CpuFlags = new(ReadCpuFlags);

    /// <summary>
    /// The width of the float kernels' FMAs: 512 when .NET has <see cref="Avx512F"/> enabled (the GEMM's AVX-512
    /// micro-kernel), 256 with AVX2/FMA, 0 when neither (no peak to compare with).
    /// </summary>
    public static int KernelBits => Gemm.KernelName switch
    {
        "AVX-512" => 512,
        "AVX2/FMA" => 256,
        _ => 0,
    };

    /// <summary>The processor's model: <c>/proc/cpuinfo</c>'s first "model name", else the runtime's architecture and OS.</summary>
    public static string Cpu => CpuModel.Value;

    /// <summary>GFLOP/s of the FMA peak at <paramref name="bits"/> on <paramref name="threads"/> threads, measured on first use.</summary>
    public static double Gflops(int bits, int threads) =>
        Cache.GetOrAdd((bits, threads), key => PeakMeasurement.Gflops(key.Bits, key.Threads, warmupSeconds: 0.05, runSeconds: 0.02));

    /// <summary>
    /// <paramref name="gflops"/> over the peak at <see cref="KernelBits"/> on <paramref name="threads"/> threads, rounded to
    /// 4 digits; null when the processor has no FMA the kernels use.
    /// </summary>
    public static double? Fraction(double gflops, int threads) =>
        KernelBits == 0 ? null : Math.Round(gflops / Gflops(KernelBits, threads), 4);

    /// <summary>
    /// The instruction sets that matter for the kernels: for each, whether the processor has it (<c>/proc/cpuinfo</c> flags;
    /// null where they cannot be read) and whether .NET has it enabled (<c>IsSupported</c>; <c>DOTNET_EnableAVX512F=0</c> turns 512 off;
    /// null for AVX-512 VNNI, which .NET 10 exposes only as part of <c>Avx10v1</c>).
    /// </summary>
    public static IReadOnlyList<(string Name, bool? Cpu, bool? Dotnet)> InstructionSets()
    {
        var flags = CpuFlags.Value;
        bool? Has(string flag) => flags.Count == 0 ? null : flags.Contains(flag);
        return
        [
            ("Avx512F", Has("avx512f"), Avx512F.IsSupported),
            ("Avx512Vnni", Has("avx512_vnni"), null),
            ("AvxVnni", Has("avx_vnni"), AvxVnni.IsSupported),
            ("Avx2", Has("avx2"), Avx2.IsSupported),
            ("Fma", Has("fma"), Fma.IsSupported),
        ];
    }

    /// <summary>The instruction sets .NET has enabled among <see cref="InstructionSets"/>, joined by '+', for the JSON <c>isa</c> field.</summary>
    public static string EnabledIsa() => string.Join('+', InstructionSets().Where(s => s.Dotnet == true).Select(s => s.Name));

    private static string ReadCpuModel()
    {
        try
        {
            foreach (string line in File.ReadLines("/proc/cpuinfo"))
            {
                if (line.StartsWith("model name", StringComparison.Ordinal) && line.IndexOf(':') is int colon and >= 0) return line[(colon + 1)..].Trim();
            }
        }
        catch (IOException) { }
        catch (UnauthorizedAccessException) { }
        return $"{RuntimeInformation.ProcessArchitecture} ({RuntimeInformation.OSDescription})";
    }

    private static HashSet<string> ReadCpuFlags()
    {
        try
        {
            foreach (string line in File.ReadLines("/proc/cpuinfo"))
            {
                if (line.StartsWith("flags", StringComparison.Ordinal) && line.IndexOf(':') is int colon and >= 0)
                {
                    return [.. line[(colon + 1)..].Split(' ', StringSplitOptions.RemoveEmptyEntries)];
                }
            }
        }
        catch (IOException) { }
        catch (UnauthorizedAccessException) { }
        return [];
    }
}
