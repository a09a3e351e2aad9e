using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace Recurrent.Kernels;

/// <summary>
/// Copies blocks of op(A) and op(B) into the panel layouts the micro-kernels read: A as MR-row panels (MR values per
/// depth step), B as NR-column panels (NR values per depth step), zero-padded to whole panels.
/// </summary>
/// <remarks>
/// A stored operand whose rows run along the panel's depth (A not transposed, B transposed) must be transposed while
/// it is packed; for float this goes through 8×8 register transposes (eight loads, twenty-four shuffles, eight stores)
/// instead of one strided scalar copy per element. Packing only copies (and scales A by α), so it never changes the
/// order in which a kernel sums.
/// </remarks>
internal static unsafe class GemmPacking<T> where T : unmanaged, IFloatingPointIeee754<T>
{
    /// <summary>
    /// Extra elements a pack buffer needs past its panels: the 8-wide transposing stores of an A panel narrower
    /// than 8 rows write up to 8 elements beyond the last depth step.
    /// </summary>
    public const int Slack = 8;

    /// <summary>Packs op(A)[i0.., p0..] (mc×kc) into MR-row panels at <paramref name="dst"/>, scaled by α.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void PackA(in GemmArgs<T> g, int mr, int i0, int p0, int mc, int kc, T* dst)
    {
        T alpha = g.Alpha;
        for (int ir = 0; ir < mc; ir += mr)
        {
            int rows = Math.Min(mr, mc - ir);
            T* panel = dst + (long)ir * kc;
            if (g.TransposeA)
            {
                PackRowsAlongPanel(g.APtr(i0 + ir, p0), g.Lda, kc, rows, mr, alpha, panel);
            }
            else
            {
                PackColumnsAlongPanel(g.APtr(i0 + ir, p0), g.Lda, kc, rows, mr, alpha, panel);
            }
        }
    }

    /// <summary>Packs op(B)[p0.., j0..] (kc×nc) into NR-column panels at <paramref name="dst"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void PackB(in GemmArgs<T> g, int nr, int p0, int j0, int kc, int nc, T* dst)
    {
        for (int jr = 0; jr < nc; jr += nr)
        {
            int cols = Math.Min(nr, nc - jr);
            T* panel = dst + (long)jr * kc;
            if (g.TransposeB)
            {
                PackColumnsAlongPanel(g.BPtr(p0, j0 + jr), g.Ldb, kc, cols, nr, T.One, panel);
            }
            else
            {
                PackRowsAlongPanel(g.BPtr(p0, j0 + jr), g.Ldb, kc, cols, nr, T.One, panel);
            }
        }
    }

    /// <summary>
    /// One panel from a source whose stored rows are the panel's depth steps: row p of the panel is
    /// <c>src[p·ld .. p·ld + width)</c>, padded with zeros to <paramref name="panelWidth"/>.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void PackRowsAlongPanel(T* src, int ld, int kc, int width, int panelWidth, T scale, T* panel)
    {
        if (typeof(T) == typeof(float) && Avx.IsSupported && width == panelWidth && panelWidth % 8 == 0)
        {
            float* s = (float*)src, d = (float*)panel;
            var f = Vector256.Create(float.CreateTruncating(scale));
            bool scaled = scale != T.One;
            for (int p = 0; p < kc; p++, s += ld, d += panelWidth)
            {
                for (int j = 0; j < panelWidth; j += 8)
                {
                    var v = Vector256.Load(s + j);
                    (scaled ? v * f : v).Store(d + j);
                }
            }
            return;
        }
        for (int p = 0; p < kc; p++)
        {
            T* s = src + (long)p * ld;
            T* d = panel + (long)p * panelWidth;
            int j = 0;
            if (scale == T.One) for (; j < width; j++) d[j] = s[j];
            else for (; j < width; j++) d[j] = scale * s[j];
            for (; j < panelWidth; j++) d[j] = T.Zero;
        }
    }

    /// <summary>
    /// One panel from a source whose stored rows are the panel's columns: column r of the panel is
    /// <c>src[r·ld .. r·ld + kc)</c>; columns past <paramref name="width"/> are zero. This is a transpose.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void PackColumnsAlongPanel(T* src, int ld, int kc, int width, int panelWidth, T scale, T* panel)
    {
        int p = 0;
        if (typeof(T) == typeof(float) && Avx.IsSupported && (panelWidth <= 8 || panelWidth % 8 == 0))
        {
            p = TransposeFloat((float*)src, ld, kc, width, panelWidth, float.CreateTruncating(scale), (float*)panel);
        }
        for (; p < kc; p++)
        {
            T* d = panel + (long)p * panelWidth;
            int r = 0;
            if (scale == T.One) for (; r < width; r++) d[r] = src[(long)r * ld + p];
            else for (; r < width; r++) d[r] = scale * src[(long)r * ld + p];
            for (; r < panelWidth; r++) d[r] = T.Zero;
        }
    }

    /// <summary>
    /// The transposing pack in 8×8 blocks for whole groups of eight depth steps; returns how many depth steps it packed.
    /// A panel narrower than 8 (the AVX2 kernel's 6 rows) is written with 8-wide stores in increasing depth order,
    /// each overwriting the previous one's overhang, the last one spilling into <see cref="Slack"/>.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static int TransposeFloat(float* src, int ld, int kc, int width, int panelWidth, float scale, float* panel)
    {
        int groups = (panelWidth + 7) / 8;
        int kc8 = kc & ~7;
        var f = Vector256.Create(scale);
        bool scaled = scale != 1f;
        for (int gi = 0; gi < groups; gi++)
        {
            int r0 = gi * 8;
            int live = Math.Clamp(width - r0, 0, 8);
            float* d0 = panel + r0;
            for (int p = 0; p < kc8; p += 8)
            {
                float* s = src + (long)r0 * ld + p;
                var x0 = live > 0 ? Vector256.Load(s) : default;
                var x1 = live > 1 ? Vector256.Load(s + ld) : default;
                var x2 = live > 2 ? Vector256.Load(s + 2L * ld) : default;
                var x3 = live > 3 ? Vector256.Load(s + 3L * ld) : default;
                var x4 = live > 4 ? Vector256.Load(s + 4L * ld) : default;
                var x5 = live > 5 ? Vector256.Load(s + 5L * ld) : default;
                var x6 = live > 6 ? Vector256.Load(s + 6L * ld) : default;
                var x7 = live > 7 ? Vector256.Load(s + 7L * ld) : default;
                Transpose8x8(ref x0, ref x1, ref x2, ref x3, ref x4, ref x5, ref x6, ref x7);
                if (scaled)
                {
                    x0 *= f; x1 *= f; x2 *= f; x3 *= f; x4 *= f; x5 *= f; x6 *= f; x7 *= f;
                }
                float* d = d0 + (long)p * panelWidth;
                x0.Store(d);
                x1.Store(d + panelWidth);
                x2.Store(d + 2 * panelWidth);
                x3.Store(d + 3 * panelWidth);
                x4.Store(d + 4 * panelWidth);
                x5.Store(d + 5 * panelWidth);
                x6.Store(d + 6 * panelWidth);
                x7.Store(d + 7 * panelWidth);
            }
        }
        return kc8;
    }

    /// <summary>Transposes the 8×8 block whose rows are x0..x7, in place.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Transpose8x8(ref Vector256<float> x0, ref Vector256<float> x1, ref Vector256<float> x2, ref Vector256<float> x3,
        ref Vector256<float> x4, ref Vector256<float> x5, ref Vector256<float> x6, ref Vector256<float> x7)
    {
        // Interleave pairs of rows, then pairs of pairs, then swap 128-bit halves.
        var t0 = Avx.UnpackLow(x0, x1);
        var t1 = Avx.UnpackHigh(x0, x1);
        var t2 = Avx.UnpackLow(x2, x3);
        var t3 = Avx.UnpackHigh(x2, x3);
        var t4 = Avx.UnpackLow(x4, x5);
        var t5 = Avx.UnpackHigh(x4, x5);
        var t6 = Avx.UnpackLow(x6, x7);
        var t7 = Avx.UnpackHigh(x6, x7);
        var u0 = Avx.Shuffle(t0, t2, 0x44);
        var u1 = Avx.Shuffle(t0, t2, 0xEE);
        var u2 = Avx.Shuffle(t1, t3, 0x44);
        var u3 = Avx.Shuffle(t1, t3, 0xEE);
        var u4 = Avx.Shuffle(t4, t6, 0x44);
        var u5 = Avx.Shuffle(t4, t6, 0xEE);
        var u6 = Avx.Shuffle(t5, t7, 0x44);
        var u7 = Avx.Shuffle(t5, t7, 0xEE);
        x0 = Avx.Permute2x128(u0, u4, 0x20);
        x1 = Avx.Permute2x128(u1, u5, 0x20);
        x2 = Avx.Permute2x128(u2, u6, 0x20);
        x3 = Avx.Permute2x128(u3, u7, 0x20);
        x4 = Avx.Permute2x128(u0, u4, 0x31);
        x5 = Avx.Permute2x128(u1, u5, 0x31);
        x6 = Avx.Permute2x128(u2, u6, 0x31);
        x7 = Avx.Permute2x128(u3, u7, 0x31);
    }
}
