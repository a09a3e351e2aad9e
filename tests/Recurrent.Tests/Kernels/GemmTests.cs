using Recurrent.Kernels;
using Recurrent.Tensors;

namespace Recurrent.Tests.Kernels;

public class GemmTests
{
    // Every micro-kernel: the tests run those this processor supports and are reported as skipped for the others.
    public static readonly string[] Kernels = ["Avx512", "Avx2", "Portable"];

    // Sizes that hit the micro-kernels' tails (MR = 8, 6, 4; NR = 32, 16, 8; vector width 8 and 16), the packing
    // blocks (MC = 144, KC = 512, NC = 2048), the one-row path and degenerate one-row and one-column products.
    public static TheoryData<string, int, int, int, bool, bool> Shapes()
    {
        var data = new TheoryData<string, int, int, int, bool, bool>();
        (int, int, int)[] sizes =
        [
            (1, 1, 1), (7, 8, 9), (9, 7, 8), (8, 9, 7), (31, 33, 257), (257, 31, 33), (33, 257, 31),
            (1, 257, 33), (257, 1, 31), (31, 33, 1), (6, 16, 256), (12, 32, 257), (150, 70, 520), (2, 4100, 3), (150, 2100, 5),
            (64, 512, 128), (1, 1024, 256),
        ];
        foreach (string kernel in Kernels)
        {
            foreach (var (m, n, k) in sizes)
            {
                foreach (bool ta in new[] { false, true })
                {
                    foreach (bool tb in new[] { false, true }) data.Add(kernel, m, n, k, ta, tb);
                }
            }
        }
        return data;
    }

    [SkippableTheory]
    [MemberData(nameof(Shapes))]
    public void FloatMatchesReference(string kernel, int m, int n, int k, bool transA, bool transB)
    {
        InstructionSets.UseGemmKernel(kernel);
        try
        {
            foreach (var (alpha, beta) in new[] { (1f, 0f), (1f, 1f), (-0.5f, 2f), (2.5f, 0f) })
            {
                var (a, b, c) = Operands<float>(m, n, k, seed: (ulong)(m * 1000003 + n * 1009 + k));
                float[] expected = (float[])c.Clone();
                GemmReference.Multiply<float>(a, transA ? m : k, b, transB ? k : n, expected, n, m, n, k, transA, transB, alpha, beta);
                Gemm.Multiply<float>(a, transA ? m : k, b, transB ? k : n, c, n, m, n, k, transA, transB, alpha, beta);
                AssertClose(expected, c, 2e-6 * (k + 4) * Math.Max(1, Math.Abs(alpha) + Math.Abs(beta)), $"{kernel} alpha={alpha} beta={beta}");
            }
        }
        finally
        {
            Gemm.ForcedKernel = GemmKernelKind.Auto;
        }
    }

    [SkippableTheory]
    [InlineData(70, 300, 600, false, false)]
    [InlineData(33, 257, 31, true, false)]
    [InlineData(1, 257, 300, false, false)]
    [InlineData(1, 100, 520, true, false)]
    public void VectorKernelsRoundAlike(int m, int n, int k, bool transA, bool transB)
    {
        // Both sum each element in depth order, one fused multiply-add at a time, in the same depth blocks.
        InstructionSets.SkipUnless(GemmKernelKind.Avx512);
        var (a, b, c512) = Operands<float>(m, n, k, seed: 13);
        float[] c2 = (float[])c512.Clone();
        try
        {
            Gemm.ForcedKernel = GemmKernelKind.Avx512;
            Gemm.Multiply<float>(a, b, c512, m, n, k, transA, transB, accumulate: true);
            Gemm.ForcedKernel = GemmKernelKind.Avx2;
            Gemm.Multiply<float>(a, b, c2, m, n, k, transA, transB, accumulate: true);
        }
        finally
        {
            Gemm.ForcedKernel = GemmKernelKind.Auto;
        }
        Assert.Equal(c2, c512);
    }

    [Fact]
    public void OneRowIsTheFirstRowOfTheProduct()
    {
        // The one-row path sums as the packed driver does, so batching rows never changes a result.
        const int n = 300, k = 600;
        var (a, b, c) = Operands<float>(5, n, k, seed: 17);
        float[] row = new float[n];
        Gemm.Multiply<float>(a, b, c, 5, n, k);
        Gemm.Multiply<float>(a.AsSpan(0, k), b, row, 1, n, k);
        Assert.Equal(c.AsSpan(0, n).ToArray(), row);
    }

    [Theory]
    [InlineData(7, 9, 31, false, false)]
    [InlineData(33, 17, 8, true, true)]
    [InlineData(150, 257, 260, false, true)]
    [InlineData(9, 40, 300, true, false)]
    public void DoubleMatchesReference(int m, int n, int k, bool transA, bool transB)
    {
        var (a, b, c) = Operands<double>(m, n, k, seed: 7);
        double[] expected = (double[])c.Clone();
        GemmReference.Multiply<double>(a, transA ? m : k, b, transB ? k : n, expected, n, m, n, k, transA, transB, 0.75, 0.5);
        Gemm.Multiply<double>(a, transA ? m : k, b, transB ? k : n, c, n, m, n, k, transA, transB, 0.75, 0.5);
        AssertClose(expected, c, 1e-13 * (k + 4), "double");
    }

    [Theory]
    [InlineData(false, false)]
    [InlineData(true, true)]
    [InlineData(false, true)]
    public void BlocksOfLargerMatricesRespectLeadingDimensions(bool transA, bool transB)
    {
        const int m = 19, n = 23, k = 37, pad = 5;
        var rng = new Rng(3);
        int lda = (transA ? m : k) + pad, ldb = (transB ? k : n) + pad, ldc = n + pad;
        float[] a = Tensor.Uniform<float>(rng, -1, 1, (transA ? k : m) * lda).ToArray();
        float[] b = Tensor.Uniform<float>(rng, -1, 1, (transB ? n : k) * ldb).ToArray();
        float[] c = Tensor.Uniform<float>(rng, -1, 1, m * ldc).ToArray();
        float[] expected = (float[])c.Clone();
        GemmReference.Multiply<float>(a, lda, b, ldb, expected, ldc, m, n, k, transA, transB, 1f, 1f);
        Gemm.Multiply<float>(a, lda, b, ldb, c, ldc, m, n, k, transA, transB, 1f, 1f);
        AssertClose(expected, c, 1e-4, "strided");
        for (int i = 0; i < m; i++)
        {
            for (int j = n; j < ldc; j++) Assert.Equal(expected[i * ldc + j], c[i * ldc + j]); // padding untouched
        }
    }

    [Fact]
    public void BetaZeroNeverReadsC()
    {
        const int m = 13, n = 29, k = 11;
        var (a, b, c) = Operands<float>(m, n, k, seed: 5);
        Array.Fill(c, float.NaN);
        Gemm.Multiply<float>(a, b, c, m, n, k);
        Assert.All(c, v => Assert.True(float.IsFinite(v)));
    }

    [Fact]
    public void ZeroDepthScalesC()
    {
        float[] c = [1, 2, 3, 4];
        Gemm.Multiply<float>([], 0, [], 2, c, 2, 2, 2, 0, false, false, 1f, 0.5f);
        Assert.Equal([0.5f, 1f, 1.5f, 2f], c);
        Gemm.Multiply<float>([], [], c, 2, 2, 0);
        Assert.Equal([0f, 0f, 0f, 0f], c);
    }

    [Theory]
    [InlineData(200, 300, 150)]
    [InlineData(64, 2048, 300)]
    [InlineData(1, 1024, 300)]
    public void OneThreadAndAllThreadsAgree(int m, int n, int k)
    {
        var (a, b, c) = Operands<float>(m, n, k, seed: 11);
        float[] c1 = (float[])c.Clone();
        using (Threads.Limit(1)) Gemm.Multiply<float>(a, b, c1, m, n, k);
        using (Threads.Limit(Math.Max(2, Threads.DefaultMaxThreads))) Gemm.Multiply<float>(a, b, c, m, n, k);
        Assert.Equal(c1, c); // each element is summed in the same order whatever the split
    }

    [Fact]
    public void BadSizesNameTheOperand()
    {
        var e = Assert.Throws<ArgumentException>(() => Gemm.Multiply<float>(new float[5], new float[6], new float[4], 2, 2, 3));
        Assert.Contains("a is stored as 2×3", e.Message);
        var ld = Assert.Throws<ArgumentOutOfRangeException>(() =>
            Gemm.Multiply<float>(new float[6], 2, new float[6], 3, new float[4], 2, 2, 2, 3, false, false, 1f, 0f));
        Assert.Contains("leading dimension of a must be at least 3", ld.Message);
    }

    internal static (T[] A, T[] B, T[] C) Operands<T>(int m, int n, int k, ulong seed)
        where T : unmanaged, System.Numerics.IFloatingPointIeee754<T>
    {
        var rng = new Rng(seed);
        return (Tensor.Uniform<T>(rng, -1, 1, m * k).ToArray(), Tensor.Uniform<T>(rng, -1, 1, k * n).ToArray(),
            Tensor.Uniform<T>(rng, -1, 1, m * n).ToArray());
    }

    internal static void AssertClose<T>(T[] expected, T[] actual, double tolerance, string what)
        where T : System.Numerics.IFloatingPointIeee754<T>
    {
        Assert.Equal(expected.Length, actual.Length);
        for (int i = 0; i < expected.Length; i++)
        {
            double diff = Math.Abs(double.CreateTruncating(expected[i]) - double.CreateTruncating(actual[i]));
            if (!(diff <= tolerance)) Assert.Fail($"{what}: element {i}: expected {expected[i]}, got {actual[i]} (|diff| {diff:E2} > {tolerance:E2})");
        }
    }
}
