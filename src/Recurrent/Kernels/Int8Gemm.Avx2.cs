using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace Recurrent.Kernels;

internal static partial class Int8Gemm
{
    [ThreadStatic] private static short[]? _widened;

    /// <summary>
    /// The AVX2 fallback: each activation row widened to int16 once, then per pair of k one broadcast of two int16 and
    /// one <c>VPMADDWD</c> (<c>Avx2.MultiplyAddAdjacent</c>) per 8 channels against <see cref="Int8Matrix.Pairs"/>;
    /// 4 rows × 2 panels of accumulators as in the VNNI path.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static unsafe void MultiplyAvx2(ReadOnlySpan<byte> a, int lda, Int8Matrix weight, Span<int> acc, int ldc, int m)
    {
        int kp = weight.PaddedK, pairs = kp / 2, panels = weight.PaddedN / 8, stride = pairs * 16;
        short[] pairsW = weight.Pairs;
        var widened = _widened;
        if (widened is null || widened.Length < m * kp) _widened = widened = new short[Math.Max(m * kp, 4096)];
        for (int r = 0; r < m; r++)
        {
            var src = a.Slice(r * lda, kp);
            var dst = widened.AsSpan(r * kp, kp);
            for (int i = 0; i < kp; i++) dst[i] = src[i];
        }
        fixed (short* pa = widened)
        fixed (short* pw = pairsW)
        fixed (int* pc = acc)
        {
            for (int p = 0; p < panels; p += 2)
            {
                short* w0 = pw + p * stride;
                bool two = p + 1 < panels;
                short* w1 = two ? w0 + stride : w0;
                int r = 0;
                for (; r + 4 <= m; r += 4)
                {
                    short* a0 = pa + r * kp, a1 = a0 + kp, a2 = a1 + kp, a3 = a2 + kp;
                    Vector256<int> c00 = default, c01 = default, c10 = default, c11 = default;
                    Vector256<int> c20 = default, c21 = default, c30 = default, c31 = default;
                    for (int g = 0; g < pairs; g++)
                    {
                        var b0 = Vector256.Load(w0 + g * 16);
                        var b1 = Vector256.Load(w1 + g * 16);
                        var x = Vector256.Create(*(int*)(a0 + 2 * g)).AsInt16();
                        c00 = Avx2.Add(c00, Avx2.MultiplyAddAdjacent(x, b0));
                        c01 = Avx2.Add(c01, Avx2.MultiplyAddAdjacent(x, b1));
                        x = Vector256.Create(*(int*)(a1 + 2 * g)).AsInt16();
                        c10 = Avx2.Add(c10, Avx2.MultiplyAddAdjacent(x, b0));
                        c11 = Avx2.Add(c11, Avx2.MultiplyAddAdjacent(x, b1));
                        x = Vector256.Create(*(int*)(a2 + 2 * g)).AsInt16();
                        c20 = Avx2.Add(c20, Avx2.MultiplyAddAdjacent(x, b0));
                        c21 = Avx2.Add(c21, Avx2.MultiplyAddAdjacent(x, b1));
                        x = Vector256.Create(*(int*)(a3 + 2 * g)).AsInt16();
                        c30 = Avx2.Add(c30, Avx2.MultiplyAddAdjacent(x, b0));
                        c31 = Avx2.Add(c31, Avx2.MultiplyAddAdjacent(x, b1));
                    }
                    int* d = pc + r * ldc + 8 * p;
                    Store(d, c00, c01, two);
                    Store(d + ldc, c10, c11, two);
                    Store(d + 2 * ldc, c20, c21, two);
                    Store(d + 3 * ldc, c30, c31, two);
                }
                for (; r < m; r++)
                {
                    short* a0 = pa + r * kp;
                    Vector256<int> c00 = default, c01 = default;
                    for (int g = 0; g < pairs; g++)
                    {
                        var x = Vector256.Create(*(int*)(a0 + 2 * g)).AsInt16();
                        c00 = Avx2.Add(c00, Avx2.MultiplyAddAdjacent(x, Vector256.Load(w0 + g * 16)));
                        c01 = Avx2.Add(c01, Avx2.MultiplyAddAdjacent(x, Vector256.Load(w1 + g * 16)));
                    }
                    Store(pc + r * ldc + 8 * p, c00, c01, two);
                }
            }
        }
    }
}
