using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace Recurrent.Cli.Bench;

/// <summary>
/// The loops that reach a core's float32 FMA peak: <see cref="Chains"/> independent accumulators, each updated by
/// <c>acc ← acc·m + c</c> once per iteration, so that the FMA units always have <see cref="Chains"/> independent
/// operations in flight.
/// </summary>
/// <remarks>
/// An FMA has a latency of about 4 cycles and a core issues up to 2 per cycle, so at least 8 chains are needed to
/// keep both pipes busy; 12 leave a margin and still fit the 16 YMM registers of AVX2 (and the 32 ZMM of AVX-512)
/// with <c>m</c> and <c>c</c>. With <c>m</c> just below 1 the accumulators converge to <c>c/(1−m)</c>: no overflow,
/// no denormals. The loops are compiled fully optimised at once (<see cref="MethodImplOptions.AggressiveOptimization"/>),
/// so a short measurement does not time the tier-0 code. Each iteration is <see cref="Chains"/> FMAs of
/// 2 flops × lanes.
/// </remarks>
internal static class FmaChains
{
    public const int Chains = 12;

    /// <summary>Runs <paramref name="iterations"/> × <see cref="Chains"/> 256-bit FMAs; returns a value the caller keeps so that the JIT cannot drop the loop.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization | MethodImplOptions.NoInlining)]
    public static float Run256(long iterations)
    {
        var m = Vector256.Create(0.9999999f);
        var c = Vector256.Create(1e-7f);
        Vector256<float> a0 = Vector256.Create(0.1f), a1 = Vector256.Create(0.2f), a2 = Vector256.Create(0.3f), a3 = Vector256.Create(0.4f);
        Vector256<float> a4 = Vector256.Create(0.5f), a5 = Vector256.Create(0.6f), a6 = Vector256.Create(0.7f), a7 = Vector256.Create(0.8f);
        Vector256<float> a8 = Vector256.Create(0.9f), a9 = Vector256.Create(1.1f), a10 = Vector256.Create(1.2f), a11 = Vector256.Create(1.3f);
        for (long i = 0; i < iterations; i++)
        {
            a0 = Fma.MultiplyAdd(a0, m, c); a1 = Fma.MultiplyAdd(a1, m, c); a2 = Fma.MultiplyAdd(a2, m, c); a3 = Fma.MultiplyAdd(a3, m, c);
            a4 = Fma.MultiplyAdd(a4, m, c); a5 = Fma.MultiplyAdd(a5, m, c); a6 = Fma.MultiplyAdd(a6, m, c); a7 = Fma.MultiplyAdd(a7, m, c);
            a8 = Fma.MultiplyAdd(a8, m, c); a9 = Fma.MultiplyAdd(a9, m, c); a10 = Fma.MultiplyAdd(a10, m, c); a11 = Fma.MultiplyAdd(a11, m, c);
        }
        var sum = ((a0 + a1) + (a2 + a3)) + ((a4 + a5) + (a6 + a7)) + ((a8 + a9) + (a10 + a11));
        return Vector256.Sum(sum);
    }

    /// <summary>Runs <paramref name="iterations"/> × <see cref="Chains"/> 512-bit FMAs (needs <see cref="Avx512F.IsSupported"/>).</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization | MethodImplOptions.NoInlining)]
    public static float Run512(long iterations)
    {
        var m = Vector512.Create(0.9999999f);
        var c = Vector512.Create(1e-7f);
        Vector512<float> a0 = Vector512.Create(0.1f), a1 = Vector512.Create(0.2f), a2 = Vector512.Create(0.3f), a3 = Vector512.Create(0.4f);
        Vector512<float> a4 = Vector512.Create(0.5f), a5 = Vector512.Create(0.6f), a6 = Vector512.Create(0.7f), a7 = Vector512.Create(0.8f);
        Vector512<float> a8 = Vector512.Create(0.9f), a9 = Vector512.Create(1.1f), a10 = Vector512.Create(1.2f), a11 = Vector512.Create(1.3f);
        for (long i = 0; i < iterations; i++)
        {
            a0 = Avx512F.FusedMultiplyAdd(a0, m, c); a1 = Avx512F.FusedMultiplyAdd(a1, m, c); a2 = Avx512F.FusedMultiplyAdd(a2, m, c); a3 = Avx512F.FusedMultiplyAdd(a3, m, c);
            a4 = Avx512F.FusedMultiplyAdd(a4, m, c); a5 = Avx512F.FusedMultiplyAdd(a5, m, c); a6 = Avx512F.FusedMultiplyAdd(a6, m, c); a7 = Avx512F.FusedMultiplyAdd(a7, m, c);
            a8 = Avx512F.FusedMultiplyAdd(a8, m, c); a9 = Avx512F.FusedMultiplyAdd(a9, m, c); a10 = Avx512F.FusedMultiplyAdd(a10, m, c); a11 = Avx512F.FusedMultiplyAdd(a11, m, c);
        }
        var sum = ((a0 + a1) + (a2 + a3)) + ((a4 + a5) + (a6 + a7)) + ((a8 + a9) + (a10 + a11));
        return Vector512.Sum(sum);
    }
}
