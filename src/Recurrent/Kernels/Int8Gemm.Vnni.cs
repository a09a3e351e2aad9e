using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace Recurrent.Kernels;

internal static partial class Int8Gemm
{
    /// <summary>The AVX-VNNI path: 6 rows × 2 panels of <c>VPDPBUSD</c> accumulators (12 of the 16 VEX registers), then 4 rows, then single rows.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static unsafe void MultiplyVnni(ReadOnlySpan<byte> a, int lda, Int8Matrix weight, Span<int> acc, int ldc, int m)
    {
        int groups = weight.PaddedK / 4, panels = weight.PaddedN / 8, stride = groups * 32;
        fixed (byte* pa = a)
        fixed (sbyte* pw = weight.Packed)
        fixed (int* pc = acc)
        {
            for (int p = 0; p < panels; p += 2)
            {
                sbyte* w0 = pw + p * stride;
                sbyte* w1 = p + 1 < panels ? w0 + stride : w0; // an odd last panel runs twice and is stored once
                bool two = p + 1 < panels;
                int r = 0;
                for (; r + 6 <= m; r += 6)
                {
                    byte* a0 = pa + r * lda, a1 = a0 + lda, a2 = a1 + lda, a3 = a2 + lda, a4 = a3 + lda, a5 = a4 + lda;
                    Vector256<int> c00 = default, c01 = default, c10 = default, c11 = default, c20 = default, c21 = default;
                    Vector256<int> c30 = default, c31 = default, c40 = default, c41 = default, c50 = default, c51 = default;
                    for (int g = 0; g < groups; g++)
                    {
                        var b0 = Vector256.Load(w0 + g * 32);
                        var b1 = Vector256.Load(w1 + g * 32);
                        var x = Vector256.Create(*(int*)(a0 + 4 * g)).AsByte();
                        c00 = AvxVnni.MultiplyWideningAndAdd(c00, x, b0);
                        c01 = AvxVnni.MultiplyWideningAndAdd(c01, x, b1);
                        x = Vector256.Create(*(int*)(a1 + 4 * g)).AsByte();
                        c10 = AvxVnni.MultiplyWideningAndAdd(c10, x, b0);
                        c11 = AvxVnni.MultiplyWideningAndAdd(c11, x, b1);
                        x = Vector256.Create(*(int*)(a2 + 4 * g)).AsByte();
                        c20 = AvxVnni.MultiplyWideningAndAdd(c20, x, b0);
                        c21 = AvxVnni.MultiplyWideningAndAdd(c21, x, b1);
                        x = Vector256.Create(*(int*)(a3 + 4 * g)).AsByte();
                        c30 = AvxVnni.MultiplyWideningAndAdd(c30, x, b0);
                        c31 = AvxVnni.MultiplyWideningAndAdd(c31, x, b1);
                        x = Vector256.Create(*(int*)(a4 + 4 * g)).AsByte();
                        c40 = AvxVnni.MultiplyWideningAndAdd(c40, x, b0);
                        c41 = AvxVnni.MultiplyWideningAndAdd(c41, x, b1);
                        x = Vector256.Create(*(int*)(a5 + 4 * g)).AsByte();
                        c50 = AvxVnni.MultiplyWideningAndAdd(c50, x, b0);
                        c51 = AvxVnni.MultiplyWideningAndAdd(c51, x, b1);
                    }
                    int* d = pc + r * ldc + 8 * p;
                    Store(d, c00, c01, two);
                    Store(d + ldc, c10, c11, two);
                    Store(d + 2 * ldc, c20, c21, two);
                    Store(d + 3 * ldc, c30, c31, two);
                    Store(d + 4 * ldc, c40, c41, two);
                    Store(d + 5 * ldc, c50, c51, two);
                }
                for (; r + 4 <= m; r += 4)
                {
                    byte* a0 = pa + r * lda, a1 = a0 + lda, a2 = a1 + lda, a3 = a2 + lda;
                    Vector256<int> c00 = default, c01 = default, c10 = default, c11 = default;
                    Vector256<int> c20 = default, c21 = default, c30 = default, c31 = default;
                    for (int g = 0; g < groups; g++)
                    {
                        var b0 = Vector256.Load(w0 + g * 32);
                        var b1 = Vector256.Load(w1 + g * 32);
                        var x = Vector256.Create(*(int*)(a0 + 4 * g)).AsByte();
                        c00 = AvxVnni.MultiplyWideningAndAdd(c00, x, b0);
                        c01 = AvxVnni.MultiplyWideningAndAdd(c01, x, b1);
                        x = Vector256.Create(*(int*)(a1 + 4 * g)).AsByte();
                        c10 = AvxVnni.MultiplyWideningAndAdd(c10, x, b0);
                        c11 = AvxVnni.MultiplyWideningAndAdd(c11, x, b1);
                        x = Vector256.Create(*(int*)(a2 + 4 * g)).AsByte();
                        c20 = AvxVnni.MultiplyWideningAndAdd(c20, x, b0);
                        c21 = AvxVnni.MultiplyWideningAndAdd(c21, x, b1);
                        x = Vector256.Create(*(int*)(a3 + 4 * g)).AsByte();
                        c30 = AvxVnni.MultiplyWideningAndAdd(c30, x, b0);
                        c31 = AvxVnni.MultiplyWideningAndAdd(c31, x, b1);
                    }
                    int* d = pc + r * ldc + 8 * p;
                    Store(d, c00, c01, two);
                    Store(d + ldc, c10, c11, two);
                    Store(d + 2 * ldc, c20, c21, two);
                    Store(d + 3 * ldc, c30, c31, two);
                }
                for (; r < m; r++)
                {
                    byte* a0 = pa + r * lda;
                    Vector256<int> c00 = default, c01 = default;
                    for (int g = 0; g < groups; g++)
                    {
                        var x = Vector256.Create(*(int*)(a0 + 4 * g)).AsByte();
                        c00 = AvxVnni.MultiplyWideningAndAdd(c00, x, Vector256.Load(w0 + g * 32));
                        c01 = AvxVnni.MultiplyWideningAndAdd(c01, x, Vector256.Load(w1 + g * 32));
                    }
                    Store(pc + r * ldc + 8 * p, c00, c01, two);
                }
            }
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static unsafe void Store(int* d, Vector256<int> first, Vector256<int> second, bool two)
    {
        first.Store(d);
        if (two) second.Store(d + 8);
    }
}
