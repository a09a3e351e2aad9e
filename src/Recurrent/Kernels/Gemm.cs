using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics.X86;
using Recurrent.Tensors;

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
/// cache-sized panels and multiplied by a register-tiled micro-kernel, AVX-512 (<see cref="Avx512MicroKernel"/>)
/// or AVX2/FMA (<see cref="Avx2MicroKernel"/>) where the processor has it and a portable one otherwise, with the
/// work split over the calling thread's <see cref="Threads.Current"/> threads. <see cref="GemmReference"/> is the naive triple
/// loop the tests compare it with.
/// </para>
/// </remarks>
public static class Gemm
{
    /// <summary>True when the float path uses a vectorised (AVX-512 or AVX2/FMA) micro-kernel on this processor.</summary>
    public static bool IsAccelerated => Avx2.IsSupported && Fma.IsSupported;

    /// <summary>The float micro-kernel in use, for benchmark reports: "AVX-512", "AVX2/FMA" or "portable".</summary>
    public static string KernelName => FloatKernel switch
    {
        GemmKernelKind.Avx512 => "AVX-512",
        GemmKernelKind.Avx2 => "AVX2/FMA",
        _ => "portable",
    };

    [ThreadStatic] private static GemmKernelKind _forcedKernel;

    /// <summary>
    /// Forces a micro-kernel on the calling thread (tests and benchmarks compare them); <see cref="GemmKernelKind.Auto"/>
    /// chooses by processor. Per thread, so that tests running in parallel do not see each other's choice.
    /// </summary>
    internal static GemmKernelKind ForcedKernel
    {
        get => _forcedKernel;
        set
        {
            if (!IsSupported(value)) throw new PlatformNotSupportedException($"This processor cannot run the {value} GEMM kernel.");
            _forcedKernel = value;
        }
    }

    /// <summary>Whether this processor can run <paramref name="kind"/> on float.</summary>
    internal static bool IsSupported(GemmKernelKind kind) => kind switch
    {
        GemmKernelKind.Avx512 => Avx512F.IsSupported && IsAccelerated,
        GemmKernelKind.Avx2 => IsAccelerated,
        _ => true,
    };

    /// <summary>The float micro-kernel the next product will run.</summary>
    internal static GemmKernelKind FloatKernel
    {
        get
        {
            var forced = ForcedKernel;
            if (forced != GemmKernelKind.Auto) return forced;
            if (Avx512F.IsSupported && IsAccelerated) return GemmKernelKind.Avx512;
            return IsAccelerated ? GemmKernelKind.Avx2 : GemmKernelKind.Portable;
        }
    }

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

    /// <summary>
    /// <c>C = op(A)·op(B)</c>, or <c>C += op(A)·op(B)</c> with <paramref name="accumulate"/>, with op(B) packed ahead of
    /// time: the product a recurrent layer repeats at every time step with the same weights.
    /// </summary>
    /// <typeparam name="T">Element type.</typeparam>
    /// <param name="a">A, stored M×K, or K×M when <paramref name="transposeA"/> (K = <see cref="PackedMatrix{T}.Depth"/>).</param>
    /// <param name="b">op(B), K×N, packed by <see cref="PackedMatrix{T}.Pack(ReadOnlySpan{T}, int, int, bool)"/>.</param>
    /// <param name="c">C, M×N; overwritten, or added to with <paramref name="accumulate"/>.</param>
    /// <param name="m">Rows of op(A) and C.</param>
    /// <param name="transposeA">Whether op(A) = Aᵀ.</param>
    /// <param name="accumulate">Add into C (β = 1) instead of overwriting it (β = 0).</param>
    internal static void Multiply<T>(ReadOnlySpan<T> a, PackedMatrix<T> b, Span<T> c, int m, bool transposeA = false, bool accumulate = false)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        ArgumentNullException.ThrowIfNull(b);
        Multiply(a, transposeA ? m : b.Depth, b, c, b.Columns, m, transposeA, T.One, accumulate ? T.One : T.Zero);
    }

    /// <summary>
    /// <c>C = α·op(A)·op(B) + β·C</c> with op(B) packed ahead of time and explicit leading dimensions. The result is
    /// bit for bit that of the overload that takes B unpacked.
    /// </summary>
    /// <typeparam name="T">Element type.</typeparam>
    /// <param name="a">A: op(A) is M×K; stored K×M when <paramref name="transposeA"/>.</param>
    /// <param name="lda">Leading dimension of A as stored.</param>
    /// <param name="b">op(B), K×N, packed.</param>
    /// <param name="c">C, M×N.</param>
    /// <param name="ldc">Leading dimension of C.</param>
    /// <param name="m">Rows of op(A) and C.</param>
    /// <param name="transposeA">Whether op(A) = Aᵀ.</param>
    /// <param name="alpha">α, the scale of the product.</param>
    /// <param name="beta">β, the scale of C's previous contents (0: C is only written, never read).</param>
    internal static unsafe void Multiply<T>(ReadOnlySpan<T> a, int lda, PackedMatrix<T> b, Span<T> c, int ldc,
        int m, bool transposeA, T alpha, T beta)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        ArgumentNullException.ThrowIfNull(b);
        int n = b.Columns, k = b.Depth;
        var args = GemmArgs<T>.Validate(a.Length, lda, -1, n, c.Length, ldc, m, n, k, transposeA, false, alpha, beta);
        if (m == 0 || n == 0) return;
        fixed (T* pa = a)
        fixed (T* pc = c)
        {
            args.A = pa;
            args.C = pc;
            args.PackedB = b.Pointer;
            args.PackedWidth = b.PaddedColumns;
            args.PackedPanel = b.Panel;
            Run(ref args, b.Kernel);
        }
    }

    /// <summary>Runs a validated product on pinned operands, choosing the micro-kernel for the element type and processor.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static unsafe void Run<T>(ref GemmArgs<T> args) where T : unmanaged, IFloatingPointIeee754<T>
    {
        Run(ref args, typeof(T) == typeof(float) ? FloatKernel : GemmKernelKind.Portable);
    }

    /// <summary>Runs a validated product with the given micro-kernel (that of a pre-packed B, if any).</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static unsafe void Run<T>(ref GemmArgs<T> args, GemmKernelKind kernel) where T : unmanaged, IFloatingPointIeee754<T>
    {
        if (typeof(T) == typeof(float) && kernel != GemmKernelKind.Portable)
        {
            ref var f = ref Unsafe.As<GemmArgs<T>, GemmArgs<float>>(ref args);
            if (args.M == 1)
            {
                Gemv.Run(ref f, GemmBlocking.KC);
            }
            else if (kernel == GemmKernelKind.Avx512)
            {
                PackedGemm<float, Avx512MicroKernel>.Run(ref f);
            }
            else
            {
                PackedGemm<float, Avx2MicroKernel>.Run(ref f);
            }
            return;
        }
        PackedGemm<T, PortableMicroKernel<T>>.Run(ref args);
    }
}
