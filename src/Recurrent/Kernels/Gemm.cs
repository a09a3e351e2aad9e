using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics.X86;

namespace Recurrent.Kernels;

/// <summary>
/// General matrix multiplication, <c>C = α·op(A)·op(B) + β·C</c>, where op is the identity or the transpose:
/// the product behind every layer's forward pass and every weight gradient.
/// </summary>
/// <remarks>
/// <para>
/// All matrices are row-major. op(A) is M×K and op(B) is K×N; a transposed operand is <em>stored</em> transposed
/// (A as K×M, B as N×K), which is how a backward pass reads a forward's weights without copying them. The leading
/// dimension of a matrix is the distance between the starts of two consecutive stored rows.
/// </para>
/// <para>
/// The float path is the Goto/BLIS algorithm (<see cref="PackedGemm{T, TKernel}"/>): operands are packed into
/// cache-sized panels and multiplied by a register-tiled micro-kernel, AVX2/FMA (<see cref="Avx2MicroKernel"/>)
/// where the processor has it and a portable one otherwise, with the work split over <see cref="Parallelism.MaxThreads"/>
/// threads. <see cref="GemmReference"/> is the naive triple loop the tests compare it with.
/// </para>
/// </remarks>
public static class Gemm
{
    /// <summary>True when the float path uses the AVX2/FMA micro-kernel on this processor.</summary>
    public static bool IsAccelerated => Avx2.IsSupported && Fma.IsSupported;

    /// <summary>
    /// <c>C = op(A)·op(B)</c>, or <c>C += op(A)·op(B)</c> with <paramref name="accumulate"/>, on densely stored matrices.
    /// </summary>
    /// <typeparam name="T">Element type.</typeparam>
    /// <param name="a">A, stored M×K, or K×M when <paramref name="transposeA"/>.</param>
    /// <param name="b">B, stored K×N, or N×K when <paramref name="transposeB"/>.</param>
    /// <param name="c">C, M×N; overwritten, or added to with <paramref name="accumulate"/>.</param>
    /// <param name="m">Rows of op(A) and C.</param>
    /// <param name="n">Columns of op(B) and C.</param>
    /// <param name="k">Columns of op(A), rows of op(B).</param>
    /// <param name="transposeA">Whether op(A) = Aᵀ.</param>
    /// <param name="transposeB">Whether op(B) = Bᵀ.</param>
    /// <param name="accumulate">Add into C (β = 1) instead of overwriting it (β = 0).</param>
    public static void Multiply<T>(ReadOnlySpan<T> a, ReadOnlySpan<T> b, Span<T> c, int m, int n, int k,
        bool transposeA = false, bool transposeB = false, bool accumulate = false)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        Multiply(a, transposeA ? m : k, b, transposeB ? k : n, c, n, m, n, k, transposeA, transposeB,
            T.One, accumulate ? T.One : T.Zero);
    }

    /// <summary>
    /// <c>C = α·op(A)·op(B) + β·C</c> with explicit leading dimensions, so that any operand may be a block of a larger matrix.
    /// </summary>
    /// <typeparam name="T">Element type.</typeparam>
    /// <param name="a">A: op(A) is M×K; stored K×M when <paramref name="transposeA"/>.</param>
    /// <param name="lda">Leading dimension of A as stored.</param>
    /// <param name="b">B: op(B) is K×N; stored N×K when <paramref name="transposeB"/>.</param>
    /// <param name="ldb">Leading dimension of B as stored.</param>
    /// <param name="c">C, M×N.</param>
    /// <param name="ldc">Leading dimension of C.</param>
    /// <param name="m">Rows of op(A) and C.</param>
    /// <param name="n">Columns of op(B) and C.</param>
    /// <param name="k">Columns of op(A), rows of op(B).</param>
    /// <param name="transposeA">Whether op(A) = Aᵀ.</param>
    /// <param name="transposeB">Whether op(B) = Bᵀ.</param>
    /// <param name="alpha">α, the scale of the product.</param>
    /// <param name="beta">β, the scale of C's previous contents (0: C is only written, never read).</param>
    public static unsafe void Multiply<T>(ReadOnlySpan<T> a, int lda, ReadOnlySpan<T> b, int ldb, Span<T> c, int ldc,
        int m, int n, int k, bool transposeA, bool transposeB, T alpha, T beta)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        var args = GemmArgs<T>.Validate(a.Length, lda, b.Length, ldb, c.Length, ldc, m, n, k, transposeA, transposeB, alpha, beta);
        if (m == 0 || n == 0) return;
        fixed (T* pa = a)
        fixed (T* pb = b)
        fixed (T* pc = c)
        {
            args.A = pa;
            args.B = pb;
            args.C = pc;
            Run(ref args);
        }
    }

    /// <summary>Runs a validated product on pinned operands, choosing the micro-kernel for the element type and processor.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static unsafe void Run<T>(ref GemmArgs<T> args) where T : unmanaged, IFloatingPointIeee754<T>
    {
        if (typeof(T) == typeof(float) && IsAccelerated)
        {
            PackedGemm<float, Avx2MicroKernel>.Run(ref Unsafe.As<GemmArgs<T>, GemmArgs<float>>(ref args));
        }
        else
        {
            PackedGemm<T, PortableMicroKernel<T>>.Run(ref args);
        }
    }
}
