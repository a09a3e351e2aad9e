using Recurrent.Kernels;
using Recurrent.Tensors;

namespace Recurrent.Tests.Kernels;

/// <summary>
/// The int8 products against the naive reference, exactly (int32 sums), on every path this processor runs and on
/// sizes that hit the tails of the 4-row × 2-panel blocking, the 8-channel panels and the 4-byte k groups; and the
/// quantization steps against their error bounds.
/// </summary>
public class Int8GemmTests
{
    public static readonly string[] Kernels = ["AvxVnni", "Avx2", "Reference"];

    private static readonly int[] Sizes = [1, 7, 8, 9, 31, 33, 257];

    public static TheoryData<string, int, int, int> Shapes()
    {
        var data = new TheoryData<string, int, int, int>();
        foreach (string kernel in Kernels)
        {
            foreach (int m in Sizes) data.Add(kernel, m, 33, 31);
            foreach (int n in Sizes) data.Add(kernel, 9, n, 33);
            foreach (int k in Sizes) data.Add(kernel, 7, 17, k);
            data.Add(kernel, 64, 512, 128);
            data.Add(kernel, 5, 24, 1024);
        }
        return data;
    }

    [SkippableTheory]
    [MemberData(nameof(Shapes))]
    public void SumsMatchReferenceExactly(string kernel, int m, int n, int k)
    {
        UseKernel(kernel);
        try
        {
            var rng = new Rng((ulong)(m * 1_000_003 + n * 1009 + k));
            var weight = Random(rng, n * k, 1.5f);
            var w = new Int8Matrix(weight, n, k);
            int lda = w.PaddedK + 3, ldc = w.PaddedN + 5;
            var a = new byte[m * lda];
            for (int i = 0; i < a.Length; i++) a[i] = (byte)rng.Next(256);
            for (int r = 0; r < m; r++) a.AsSpan(r * lda + k, lda - k).Clear(); // the rows' padding is zero, as QuantizeRows leaves it
            // Extremes: a row of 255s against the largest weights, the case a saturating VPMADDUBSW would get wrong.
            a.AsSpan(0, k).Fill(255);
            var expected = new int[m * ldc];
            var actual = new int[m * ldc];
            Int8Gemm.MultiplyReference(a, lda, w, expected, ldc, m);
            Int8Gemm.Multiply(a, lda, w, actual, ldc, m);
            for (int r = 0; r < m; r++)
            {
                for (int c = 0; c < w.PaddedN; c++) Assert.True(expected[r * ldc + c] == actual[r * ldc + c], $"acc[{r}, {c}] = {actual[r * ldc + c]}; reference {expected[r * ldc + c]}.");
            }
            // Independent check of the reference itself, in 64-bit, on one element.
            long check = 0;
            for (int i = 0; i < k; i++) check += a[(m - 1) * lda + i] * (long)w.Values[(n - 1) * k + i];
            Assert.Equal(check, expected[(m - 1) * ldc + n - 1]);
        }
        finally
        {
            Int8Gemm.ForcedKernel = Int8KernelKind.Auto;
        }
    }

    [SkippableTheory]
    [InlineData("AvxVnni")]
    [InlineData("Avx2")]
    [InlineData("Reference")]
    public void ParallelSumsMatchOneThread(string kernel)
    {
        UseKernel(kernel);
        try
        {
            var rng = new Rng(7);
            int m = 257, n = 72, k = 33;
            var w = new Int8Matrix(Random(rng, n * k, 1f), n, k);
            var a = new byte[m * w.PaddedK];
            for (int r = 0; r < m; r++)
            {
                for (int i = 0; i < k; i++) a[r * w.PaddedK + i] = (byte)rng.Next(256);
            }
            var expected = new int[m * w.PaddedN];
            var actual = new int[m * w.PaddedN];
            Int8Gemm.MultiplyReference(a, w.PaddedK, w, expected, w.PaddedN, m);
            using (Threads.Limit(2)) Int8Gemm.MultiplyParallel(a, w.PaddedK, w, actual, w.PaddedN, m);
            Assert.Equal(expected, actual);
        }
        finally
        {
            Int8Gemm.ForcedKernel = Int8KernelKind.Auto;
        }
    }

    [Theory]
    [InlineData(1)]
    [InlineData(7)]
    [InlineData(8)]
    [InlineData(9)]
    [InlineData(31)]
    [InlineData(33)]
    [InlineData(257)]
    public void WeightsRoundTripWithinHalfAStep(int k)
    {
        var rng = new Rng((ulong)k);
        int n = 9;
        var weight = Random(rng, n * k, 3f);
        weight[0] = 0; // a zero, and (k > 1) a row's extreme, both exact
        var w = new Int8Matrix(weight, n, k);
        var back = w.Dequantize();
        for (int r = 0; r < n; r++)
        {
            float max = 0;
            int sum = 0;
            for (int c = 0; c < k; c++)
            {
                max = MathF.Max(max, MathF.Abs(weight[r * k + c]));
                sum += w.Values[r * k + c];
                Assert.InRange(w.Values[r * k + c], -127, 127);
            }
            Assert.Equal(max > 0 ? max / 127f : 1f, w.Scales[r]);
            Assert.Equal(sum, w.RowSums[r]);
            for (int c = 0; c < k; c++)
            {
                double error = Math.Abs(back[r * k + c] - (double)weight[r * k + c]);
                Assert.True(error <= w.Scales[r] / 2 * (1 + 1e-5), $"w[{r}, {c}] = {weight[r * k + c]} came back as {back[r * k + c]}; the step is {w.Scales[r]}.");
            }
        }
        Assert.Equal(0, back[0]);
    }

    [Theory]
    [InlineData(1)]
    [InlineData(7)]
    [InlineData(8)]
    [InlineData(9)]
    [InlineData(31)]
    [InlineData(33)]
    [InlineData(257)]
    public void ActivationsRoundTripWithinHalfAStep(int k)
    {
        var rng = new Rng((ulong)(100 + k));
        int m = 4, ldq = (k + 3) / 4 * 4;
        var x = Random(rng, m * k, 2f);
        for (int i = 0; i < k; i++) x[k + i] = MathF.Abs(x[k + i]) + 0.5f;   // row 1: all positive (range widened to 0)
        for (int i = 0; i < k; i++) x[2 * k + i] = -MathF.Abs(x[2 * k + i]);  // row 2: all non-positive
        x.AsSpan(3 * k, k).Clear();                                           // row 3: zeros
        var q = new byte[m * ldq];
        q.AsSpan().Fill(0xAB);
        var scales = new float[m];
        var zeros = new int[m];
        Quantization.QuantizeRows(x, k, q, ldq, scales, zeros, m, k);
        for (int r = 0; r < m; r++)
        {
            Assert.InRange(zeros[r], 0, 255);
            for (int i = 0; i < k; i++)
            {
                float value = x[r * k + i];
                double back = scales[r] * (double)(q[r * ldq + i] - zeros[r]);
                Assert.True(Math.Abs(back - value) <= scales[r] / 2 * (1 + 1e-4), $"x[{r}, {i}] = {value} came back as {back}; the step is {scales[r]}.");
                Assert.Equal(Quantization.QuantizeValue(value, 1f / scales[r], zeros[r]), q[r * ldq + i]); // vector == scalar
            }
            for (int i = k; i < ldq; i++) Assert.Equal(0, q[r * ldq + i]);
        }
        Assert.Equal((1f, 0), (scales[3], zeros[3]));
        Assert.Equal(0, zeros[1]);   // 0 is the range's low end
        Assert.Equal(255, zeros[2]); // and its high end
    }

    [Fact]
    public void DequantizeAppliesScalesAndZeroPointCompensation()
    {
        var rng = new Rng(3);
        int m = 3, n = 19, k = 21;
        var weight = Random(rng, n * k, 1f);
        var x = Random(rng, m * k, 1f);
        var w = new Int8Matrix(weight, n, k);
        var q = new byte[m * w.PaddedK];
        var scales = new float[m];
        var zeros = new int[m];
        Quantization.QuantizeRows(x, k, q, w.PaddedK, scales, zeros, m, k);
        var acc = new int[m * w.PaddedN];
        Int8Gemm.Multiply(q, w.PaddedK, w, acc, w.PaddedN, m);
        var c = new float[m * n];
        Quantization.Dequantize(acc, w.PaddedN, scales, zeros, w, c, n, m);
        for (int r = 0; r < m; r++)
        {
            for (int j = 0; j < n; j++)
            {
                // Double precision from the dequantized operands: Σ s(q − z)·s_w Q.
                double expected = 0, exact = 0;
                for (int i = 0; i < k; i++)
                {
                    expected += scales[r] * (double)(q[r * w.PaddedK + i] - zeros[r]) * w.Scales[j] * w.Values[j * k + i];
                    exact += (double)x[r * k + i] * weight[j * k + i];
                }
                Assert.Equal(expected, c[r * n + j], 1e-5 * Math.Max(1, Math.Abs(expected)));
                // And the float product within the quantization error: Σ |x|·s_w/2 + |w|·s/2 + s·s_w/4 per term.
                double bound = 0;
                for (int i = 0; i < k; i++)
                {
                    bound += Math.Abs(x[r * k + i]) * w.Scales[j] / 2 + Math.Abs(weight[j * k + i]) * scales[r] / 2 + scales[r] * w.Scales[j] / 4;
                }
                Assert.True(Math.Abs(exact - c[r * n + j]) <= bound, $"c[{r}, {j}] = {c[r * n + j]}; float product {exact}, bound {bound}.");
            }
        }
    }

    internal static void UseKernel(string kernel)
    {
        var kind = Enum.Parse<Int8KernelKind>(kernel);
        Skip.IfNot(Int8Gemm.IsSupported(kind), $"This processor cannot run the {kind} int8 kernel (or it is disabled in the runtime).");
        Int8Gemm.ForcedKernel = kind;
    }

    private static float[] Random(Rng rng, int count, float range)
    {
        var values = new float[count];
        for (int i = 0; i < count; i++) values[i] = (float)((rng.NextDouble() * 2 - 1) * range);
        return values;
    }
}
