using System.Runtime.Intrinsics.X86;

namespace Recurrent.Kernels;

/// <summary>
/// Integer products for int8 inference: <c>acc[m, n] = Σ_k a[m, k]·Q[n, k]</c> with uint8 activations a (quantized by
/// <see cref="Quantization.QuantizeRows"/>) and an int8 weight Q packed once (<see cref="Int8Matrix"/>), summed exactly
/// in int32. <see cref="Quantization.Dequantize"/> turns the sums into floats.
/// </summary>
/// <remarks>
/// <para>
/// Paths, widest first (<see cref="Kernel"/>): AVX-VNNI's <c>VPDPBUSD</c> on 256-bit vectors
/// (<see cref="System.Runtime.Intrinsics.X86.AvxVnni"/>); .NET 10 exposes the 512-bit form only through
/// <c>Avx10v1.V512</c>, which AMD Zen 4 does not report, and has no <c>Avx512Vnni</c> class, so 256 bits is the widest
/// a Zen 4 runs here. Without VNNI (or with <c>DOTNET_EnableAVXVNNI=0</c>), the AVX2 fallback widens both operands to
/// int16 and sums pairs with <c>VPMADDWD</c> (<c>Avx2.MultiplyAddAdjacent</c>), exact as well; <c>VPMADDUBSW</c> would
/// be faster but saturates at 2·255·127 &gt; 32767. Without AVX2, the naive reference (<see cref="MultiplyReference"/>)
/// runs, the one the tests compare every path to, exactly.
/// </para>
/// <para>
/// Blocking: 4 rows × 2 panels (16 channels) of int32 accumulators, 8 registers, with the 2 weight vectors and one
/// broadcast of 4 activation bytes: per group of 4 k, 2 loads and 4 broadcasts feed 8 <c>VPDPBUSD</c>. The rows are
/// split over the cores in chunks (<see cref="MultiplyParallel"/>) that share the packed weight.
/// </para>
/// </remarks>
internal static partial class Int8Gemm
{
    [ThreadStatic] private static Int8KernelKind _forcedKernel;

    /// <summary>A path to take on this thread instead of the widest (tests force each one); Auto for the default.</summary>
    internal static Int8KernelKind ForcedKernel
    {
        get => _forcedKernel;
        set
        {
            if (!IsSupported(value)) throw new PlatformNotSupportedException($"This processor cannot run the {value} int8 kernel.");
            _forcedKernel = value;
        }
    }

    /// <summary>Whether this processor (and the runtime's settings) run the path.</summary>
    /// <param name="kind">The path.</param>
    /// <returns>True when it can run.</returns>
    internal static bool IsSupported(Int8KernelKind kind) => kind switch
    {
        Int8KernelKind.AvxVnni => AvxVnni.IsSupported,
        Int8KernelKind.Avx2 => Avx2.IsSupported,
        _ => true,
    };

    /// <summary>The path <see cref="Multiply"/> takes on this thread.</summary>
    internal static Int8KernelKind Kernel => _forcedKernel != Int8KernelKind.Auto ? _forcedKernel
        : AvxVnni.IsSupported ? Int8KernelKind.AvxVnni
        : Avx2.IsSupported ? Int8KernelKind.Avx2
        : Int8KernelKind.Reference;

    /// <summary>The name of the default path, for benchmark reports.</summary>
    internal static string KernelName => Kernel switch
    {
        Int8KernelKind.AvxVnni => "AVX-VNNI (VPDPBUSD, 256-bit)",
        Int8KernelKind.Avx2 => "AVX2 (VPMADDWD on int16)",
        _ => "scalar reference",
    };

    /// <summary>
    /// <c>acc[m, n] = Σ_k a[m, k]·Q[n, k]</c> for m &lt; <paramref name="m"/>, n &lt; <see cref="Int8Matrix.PaddedN"/>
    /// (the padded channels get 0), on this thread.
    /// </summary>
    /// <param name="a">Activations, M rows of at least <see cref="Int8Matrix.PaddedK"/> bytes (zero past K).</param>
    /// <param name="lda">Distance between rows of a.</param>
    /// <param name="weight">The packed weight.</param>
    /// <param name="acc">Receives the sums, leading dimension <paramref name="ldc"/> ≥ PaddedN.</param>
    /// <param name="ldc">Distance between rows of acc.</param>
    /// <param name="m">Rows M.</param>
    public static void Multiply(ReadOnlySpan<byte> a, int lda, Int8Matrix weight, Span<int> acc, int ldc, int m)
    {
        Check(a, lda, weight, acc, ldc, m);
        if (m == 0) return;
        var kind = Kernel;
        // Row blocks of BlockRows: the block's activations stay in L1 while every weight panel pair streams past them
        // once (a panel pair of K = 1024 is 16 KB), rather than each panel pair sweeping all M rows out of the caches.
        for (int r0 = 0; r0 < m; r0 += BlockRows)
        {
            int rows = Math.Min(BlockRows, m - r0);
            var block = a.Slice(r0 * lda);
            var sums = acc.Slice(r0 * ldc);
            switch (kind)
            {
                case Int8KernelKind.AvxVnni: MultiplyVnni(block, lda, weight, sums, ldc, rows); break;
                case Int8KernelKind.Avx2: MultiplyAvx2(block, lda, weight, sums, ldc, rows); break;
                default: MultiplyReference(block, lda, weight, sums, ldc, rows); break;
            }
        }
    }

    /// <summary>Rows multiplied against all the weight panels before the next rows.</summary>
    private const int BlockRows = 48;

    /// <summary>The naive loop every path is held to: <c>acc[m, n] = Σ_k a[m, k]·Q[n, k]</c> from the unpacked Q.</summary>
    /// <param name="a">Activations.</param>
    /// <param name="lda">Distance between rows of a.</param>
    /// <param name="weight">The weight.</param>
    /// <param name="acc">Receives the sums.</param>
    /// <param name="ldc">Distance between rows of acc.</param>
    /// <param name="m">Rows M.</param>
    public static void MultiplyReference(ReadOnlySpan<byte> a, int lda, Int8Matrix weight, Span<int> acc, int ldc, int m)
    {
        int n = weight.N, k = weight.K;
        ReadOnlySpan<sbyte> q = weight.Values;
        for (int r = 0; r < m; r++)
        {
            var row = a.Slice(r * lda, k);
            var dst = acc.Slice(r * ldc, weight.PaddedN);
            for (int c = 0; c < n; c++)
            {
                int sum = 0;
                var w = q.Slice(c * k, k);
                for (int i = 0; i < k; i++) sum += row[i] * w[i];
                dst[c] = sum;
            }
            dst[n..].Clear();
        }
    }

    private static void Check(ReadOnlySpan<byte> a, int lda, Int8Matrix weight, Span<int> acc, int ldc, int m)
    {
        ArgumentNullException.ThrowIfNull(weight);
        if (lda < weight.PaddedK) throw new ArgumentOutOfRangeException(nameof(lda), $"lda = {lda}; expected at least the padded K = {weight.PaddedK}.");
        if (ldc < weight.PaddedN) throw new ArgumentOutOfRangeException(nameof(ldc), $"ldc = {ldc}; expected at least the padded N = {weight.PaddedN}.");
        if (m < 0) throw new ArgumentOutOfRangeException(nameof(m), $"m = {m}; expected a row count ≥ 0.");
        if (m > 0 && a.Length < (long)(m - 1) * lda + weight.PaddedK) throw new ArgumentException($"a has {a.Length} bytes; expected {m} rows of {lda}.", nameof(a));
        if (m > 0 && acc.Length < (long)(m - 1) * ldc + weight.PaddedN) throw new ArgumentException($"acc has {acc.Length} values; expected {m} rows of {ldc}.", nameof(acc));
    }
}
