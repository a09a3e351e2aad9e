using BenchmarkDotNet.Attributes;
using Recurrent.Kernels;
using Recurrent.Tensors;

namespace Recurrent.Benchmarks;

/// <summary>
/// The packed GEMM with each micro-kernel this processor supports, same run, on the shapes a recurrent layer
/// multiplies: the portable kernel (the fallback without AVX2) is the baseline, then AVX2/FMA and AVX-512.
/// Allocation must be zero once warm.
/// </summary>
[MemoryDiagnoser]
public class GemmBenchmarks
{
    private float[] _a = [], _b = [], _c = [];

    [Params("64x2048x512", "32x512x128", "1x1024x256", "512x512x512")]
    public string Shape { get; set; } = "";

    [Params(false, true)]
    public bool TransposeB { get; set; }

    // Parsed once in Setup: parsing Shape inside a benchmark would allocate, and be measured.
    private int _m, _n, _k;

    [GlobalSetup]
    public void Setup()
    {
        int[] sizes = Array.ConvertAll(Shape.Split('x'), int.Parse);
        (_m, _n, _k) = (sizes[0], sizes[1], sizes[2]);
        var rng = new Rng(1);
        _a = Tensor.Uniform<float>(rng, -1, 1, _m * _k).ToArray();
        _b = Tensor.Uniform<float>(rng, -1, 1, _k * _n).ToArray();
        _c = new float[_m * _n];
    }

    [Benchmark(Baseline = true)]
    public void Portable() => Run(GemmKernelKind.Portable);

    [Benchmark]
    public void Avx2() => Run(GemmKernelKind.Avx2);

    [Benchmark]
    public void Avx512() => Run(GemmKernelKind.Avx512);

    private void Run(GemmKernelKind kernel)
    {
        if (!Gemm.IsSupported(kernel)) throw new PlatformNotSupportedException($"No {kernel} on this processor.");
        Gemm.ForcedKernel = kernel;
        try
        {
            Gemm.Multiply<float>(_a, _b, _c, _m, _n, _k, transposeB: TransposeB);
        }
        finally
        {
            Gemm.ForcedKernel = GemmKernelKind.Auto;
        }
    }
}
