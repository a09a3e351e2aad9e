using Recurrent.Kernels;

namespace Recurrent.Tests.Kernels;

public class PackedMatrixTests
{
    public static TheoryData<string, int, int, int, bool> Shapes()
    {
        int[] sizes = [1, 7, 8, 9, 31, 33, 257];
        // Every tail size at least once as each of M, N and K, the other two varied so that the set stays small;
        // then several depth blocks (KC = 512).
        var shapes = new HashSet<(int, int, int)> { (3, 40, 600), (1, 100, 520), (64, 70, 300) };
        for (int i = 0; i < sizes.Length; i++)
        {
            int x = sizes[(i + 3) % sizes.Length], y = sizes[(i + 5) % sizes.Length];
            shapes.Add((sizes[i], x, y));
            shapes.Add((y, sizes[i], x));
            shapes.Add((x, y, sizes[i]));
        }
        var data = new TheoryData<string, int, int, int, bool>();
        foreach (string kernel in GemmTests.Kernels)
        {
            foreach (var (m, n, k) in shapes)
            {
                foreach (bool tb in new[] { false, true }) data.Add(kernel, m, n, k, tb);
            }
        }
        return data;
    }

    [SkippableTheory]
    [MemberData(nameof(Shapes))]
    public void MatchesReferenceAndUnpackedProduct(string kernel, int m, int n, int k, bool transB)
    {
        InstructionSets.UseGemmKernel(kernel);
        try
        {
            foreach (bool transA in new[] { false, true })
            {
                foreach (bool accumulate in new[] { false, true })
                {
                    var (a, b, c) = GemmTests.Operands<float>(m, n, k, seed: (ulong)(m * 7919 + n * 31 + k));
                    float[] expected = (float[])c.Clone(), unpacked = (float[])c.Clone();
                    GemmReference.Multiply<float>(a, transA ? m : k, b, transB ? k : n, expected, n, m, n, k, transA, transB, 1f, accumulate ? 1f : 0f);
                    Gemm.Multiply<float>(a, b, unpacked, m, n, k, transA, transB, accumulate);
                    var packed = PackedMatrix<float>.Pack(b, k, n, transB);
                    Gemm.Multiply<float>(a, packed, c, m, transA, accumulate);
                    string what = $"{kernel} transA={transA} accumulate={accumulate}";
                    GemmTests.AssertClose(expected, c, 2e-6 * (k + 4) * 2, what);
                    // Same panels, same order: bit for bit the unpacked product (whose one-row Bᵀ path sums otherwise).
                    if (!(m == 1 && transB)) Assert.Equal(unpacked, c);
                }
            }
        }
        finally
        {
            Gemm.ForcedKernel = GemmKernelKind.Auto;
        }
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void AlphaBetaAndLeadingDimensions(bool transB)
    {
        const int m = 19, n = 45, k = 37, pad = 3;
        var (a, b, _) = GemmTests.Operands<float>(m, n, k, seed: 23);
        int ldb = (transB ? k : n) + pad, ldc = n + pad;
        float[] bPadded = new float[(transB ? n : k) * ldb];
        for (int r = 0; r < (transB ? n : k); r++) b.AsSpan(r * (transB ? k : n), transB ? k : n).CopyTo(bPadded.AsSpan(r * ldb));
        float[] c = new float[m * ldc];
        for (int i = 0; i < c.Length; i++) c[i] = i % 5 - 2;
        float[] expected = (float[])c.Clone();
        GemmReference.Multiply<float>(a, k, bPadded, ldb, expected, ldc, m, n, k, false, transB, -0.75f, 0.5f);
        var packed = PackedMatrix<float>.Pack(bPadded, ldb, k, n, transB);
        Gemm.Multiply<float>(a, k, packed, c, ldc, m, false, -0.75f, 0.5f);
        GemmTests.AssertClose(expected, c, 1e-4, "alpha beta ldc");
    }

    [Fact]
    public void RepackReusesStorageAndSeesNewValues()
    {
        const int m = 4, n = 33, k = 9;
        var (a, b, _) = GemmTests.Operands<float>(m, n, k, seed: 29);
        var packed = PackedMatrix<float>.Pack(b, k, n);
        for (int i = 0; i < b.Length; i++) b[i] *= -2;
        long before = GC.GetAllocatedBytesForCurrentThread();
        packed.Repack(b, k, n);
        Assert.Equal(before, GC.GetAllocatedBytesForCurrentThread());
        float[] c = new float[m * n], expected = new float[m * n];
        Gemm.Multiply<float>(a, packed, c, m);
        Gemm.Multiply<float>(a, b, expected, m, n, k);
        Assert.Equal(expected, c);
    }

    [Fact]
    public void DoubleMatchesReference()
    {
        const int m = 9, n = 31, k = 260;
        var (a, b, c) = GemmTests.Operands<double>(m, n, k, seed: 31);
        double[] expected = (double[])c.Clone();
        GemmReference.Multiply<double>(a, k, b, k, expected, n, m, n, k, false, true, 1, 1);
        Gemm.Multiply<double>(a, PackedMatrix<double>.Pack(b, k, n, transpose: true), c, m, accumulate: true);
        GemmTests.AssertClose(expected, c, 1e-13 * (k + 4), "double");
    }

    [Fact]
    public void WrongDepthNamesTheOperand()
    {
        var packed = PackedMatrix<float>.Pack(new float[12], 3, 4);
        var e = Assert.Throws<ArgumentException>(() => Gemm.Multiply<float>(new float[4], packed, new float[8], 2));
        Assert.Contains("a is stored as 2×3", e.Message);
    }
}
