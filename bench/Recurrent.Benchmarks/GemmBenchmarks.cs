using BenchmarkDotNet.Attributes;
using Recurrent.Kernels;
using Recurrent.Tensors;

namespace Recurrent.Benchmarks;

/// <summary>
/// The packed AVX2/FMA GEMM against the portable micro-kernel (the fallback on processors without AVX2), same run,
/// on the shapes a recurrent layer multiplies. Allocation must be zero once warm.
/// </summary>
[MemoryDiagnoser]
public class GemmBenchmarks
{
    private float[] _a = [], _b = [], _c = [];

    [Params("64x2048x512", "32x512x128", "1x1024x256", "512x512x512")]
    public string Shape { get; set; } = "";

    [Params(false, true)]
    public bool TransposeB { get; set; }

    private int M => int.Parse(Shape.Split('x')[0]);
    private int N => int.Parse(Shape.Split('x')[1]);
    private int K => int.Parse(Shape.Split('x')[2]);

    [GlobalSetup]
    public void Setup()
    {
        var rng = new Rng(1);
        _a = Tensor.Uniform<float>(rng, -1, 1, M * K).ToArray();
        _b = Tensor.Uniform<float>(rng, -1, 1, K * N).ToArray();
        _c = new float[M * N];
    }

    [Benchmark(Baseline = true)]
    public unsafe void Portable()
    {
        int m = M, n = N, k = K;
        var args = GemmArgs<float>.Validate(_a.Length, k, _b.Length, TransposeB ? k : n, _c.Length, n, m, n, k, false, TransposeB, 1f, 0f);
        fixed (float* a = _a, b = _b, c = _c)
        {
            args.A = a;
            args.B = b;
            args.C = c;
            PackedGemm<float, PortableMicroKernel<float>>.Run(ref args);
        }
    }

    [Benchmark]
    public void Accelerated() => Gemm.Multiply<float>(_a, _b, _c, M, N, K, transposeB: TransposeB);
}
