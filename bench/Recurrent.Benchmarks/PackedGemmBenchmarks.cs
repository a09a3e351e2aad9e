using BenchmarkDotNet.Attributes;
using Recurrent.Kernels;
using Recurrent.Tensors;

namespace Recurrent.Benchmarks;

/// <summary>
/// What pre-packing B saves a recurrent layer: the product with B packed inside every call (baseline) against the
/// same product with a <see cref="PackedMatrix{T}"/> packed once, and the cost of refreshing that copy after an
/// optimiser step (<see cref="PackedMatrix{T}.Repack(ReadOnlySpan{T}, int, int, bool)"/>). op(B) = Bᵀ is the forward
/// step (h·W_hhᵀ), op(B) = B the backward one (dgates·W_hh). Allocation must be zero once warm.
/// </summary>
[MemoryDiagnoser]
public class PackedGemmBenchmarks
{
    private float[] _a = [], _b = [], _c = [];
    private PackedMatrix<float> _packed = null!;

    [Params("64x2048x512", "32x512x128", "1x1024x256")]
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
        _packed = PackedMatrix<float>.Pack(_b, _k, _n, TransposeB);
    }

    [Benchmark(Baseline = true)]
    public void Unpacked() => Gemm.Multiply<float>(_a, _b, _c, _m, _n, _k, transposeB: TransposeB);

    [Benchmark]
    public void Prepacked() => Gemm.Multiply<float>(_a, _packed, _c, _m);

    [Benchmark]
    public void Repack() => _packed.Repack(_b, _k, _n, TransposeB);
}
