using System.Numerics;
using System.Runtime.CompilerServices;

namespace Recurrent.Kernels;

/// <summary>
/// The portable micro-kernel: the same packed-panel contract as <see cref="Avx2MicroKernel"/> in plain scalar code,
/// for any element type and any processor (and for double, which the gradient checks use).
/// </summary>
internal readonly unsafe struct PortableMicroKernel<T> : IGemmMicroKernel<T> where T : unmanaged, INumberBase<T>
{
    public static int MR => 4;

    public static int NR => 8;

    [SkipLocalsInit]
    public static void Run(int kc, T* a, T* b, T* c, int ldc, bool accumulate)
    {
        T* acc = stackalloc T[4 * 8];
        for (int i = 0; i < 32; i++) acc[i] = T.Zero;
        for (int p = 0; p < kc; p++)
        {
            T* bRow = b + p * 8;
            for (int i = 0; i < 4; i++)
            {
                T ai = a[p * 4 + i];
                T* accRow = acc + i * 8;
                for (int j = 0; j < 8; j++) accRow[j] += ai * bRow[j];
            }
        }
        for (int i = 0; i < 4; i++)
        {
            T* cRow = c + (long)i * ldc;
            for (int j = 0; j < 8; j++) cRow[j] = accumulate ? cRow[j] + acc[i * 8 + j] : acc[i * 8 + j];
        }
    }

    public static void RunPacking(int kc, T* a, T* b, int ldb, T* panel, T* c, int ldc, bool accumulate)
    {
        for (int p = 0; p < kc; p++) new ReadOnlySpan<T>(b + (long)p * ldb, 8).CopyTo(new Span<T>(panel + p * 8, 8));
        Run(kc, a, panel, c, ldc, accumulate);
    }
}
