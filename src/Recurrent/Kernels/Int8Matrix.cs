using System.Runtime.InteropServices;

namespace Recurrent.Kernels;

/// <summary>
/// A weight matrix W <c>(N, K)</c> quantized to int8 per output channel (row n), symmetric (zero point 0), and packed
/// once for <see cref="Int8Gemm"/>: <c>W[n, k] ≈ Scale[n] · Q[n, k]</c> with <c>Scale[n] = max_k |W[n, k]| / 127</c>
/// and <c>Q[n, k] = round(W[n, k] / Scale[n])</c> in <c>[−127, 127]</c>, as PyTorch's <c>quantize_dynamic</c> and
/// ONNX Runtime's quantizer (per-channel, symmetric int8 weights) make them.
/// </summary>
/// <remarks>
/// <para>
/// Packed layout (<see cref="Packed"/>): the channels in panels of 8 (N rounded up to <see cref="PaddedN"/>), K in
/// groups of 4 (rounded up to <see cref="PaddedK"/>); panel p, group g is 32 bytes at <c>(p · K/4 + g) · 32</c>
/// holding <c>Q[8p + j, 4g + i]</c> at byte <c>4j + i</c>. One 256-bit load is then the operand of <c>VPDPBUSD</c>,
/// whose int32 lane j adds the four products of channel 8p + j with the four activations broadcast to every lane.
/// Padding is zero, so it adds nothing. The AVX2 fallback reads <see cref="Pairs"/>, the same panels widened to int16
/// in groups of 2 (<c>Q[8p + j, 2g + i]</c> at element <c>(p · K/2 + g) · 16 + 2j + i</c>), made on first use.
/// </para>
/// <para>
/// <see cref="RowSums"/> holds <c>Σ_k Q[n, k]</c>: the activations are unsigned with a zero point z (see
/// <see cref="Quantization"/>), and <c>Σ_k (a[k] − z)·Q[n, k] = Σ_k a[k]·Q[n, k] − z·RowSums[n]</c>.
/// </para>
/// </remarks>
internal sealed class Int8Matrix
{
    private short[]? _pairs;

    /// <summary>Quantizes and packs <paramref name="weight"/>, <c>(N, K)</c> row-major.</summary>
    /// <param name="weight">W.</param>
    /// <param name="n">Output channels N.</param>
    /// <param name="k">Inner dimension K.</param>
    public Int8Matrix(ReadOnlySpan<float> weight, int n, int k)
    {
        if (n < 1 || k < 1) throw new ArgumentOutOfRangeException(nameof(n), $"an int8 matrix needs N ≥ 1 and K ≥ 1; got N = {n}, K = {k}.");
        if (weight.Length != n * k) throw new ArgumentException($"weight has {weight.Length} values; expected N × K = {n} × {k}.", nameof(weight));
        N = n;
        K = k;
        PaddedN = (n + 7) / 8 * 8;
        PaddedK = (k + 3) / 4 * 4;
        Values = new sbyte[n * k];
        Scales = new float[PaddedN];
        RowSums = new int[PaddedN];
        Quantization.QuantizeWeights(weight, n, k, Values, Scales, RowSums);
        Packed = new sbyte[PaddedN * PaddedK];
        int groups = PaddedK / 4;
        for (int r = 0; r < n; r++)
        {
            int panel = r / 8, lane = r % 8;
            for (int c = 0; c < k; c++) Packed[(panel * groups + c / 4) * 32 + lane * 4 + c % 4] = Values[r * k + c];
        }
    }

    /// <summary>Output channels N.</summary>
    public int N { get; }

    /// <summary>Inner dimension K.</summary>
    public int K { get; }

    /// <summary>N rounded up to a whole panel of 8.</summary>
    public int PaddedN { get; }

    /// <summary>K rounded up to a whole group of 4: the activation rows must hold this many bytes.</summary>
    public int PaddedK { get; }

    /// <summary>Q, row-major <c>(N, K)</c>, unpacked (the reference kernel's operand and the ONNX export's).</summary>
    public sbyte[] Values { get; }

    /// <summary>Scale[n], <see cref="PaddedN"/> long (zero past N).</summary>
    public float[] Scales { get; }

    /// <summary><c>Σ_k Q[n, k]</c>, <see cref="PaddedN"/> long (zero past N).</summary>
    public int[] RowSums { get; }

    /// <summary>Q packed for <c>VPDPBUSD</c>; see the remarks.</summary>
    public sbyte[] Packed { get; }

    /// <summary>Q packed as int16 pairs for the AVX2 fallback; see the remarks.</summary>
    public short[] Pairs
    {
        get
        {
            var pairs = Volatile.Read(ref _pairs);
            if (pairs is not null) return pairs;
            int halfK = PaddedK / 2;
            pairs = new short[PaddedN * PaddedK];
            for (int r = 0; r < N; r++)
            {
                int panel = r / 8, lane = r % 8;
                for (int c = 0; c < K; c++) pairs[(panel * halfK + c / 2) * 16 + lane * 2 + c % 2] = Values[r * K + c];
            }
            Interlocked.CompareExchange(ref _pairs, pairs, null);
            return _pairs!;
        }
    }

    /// <summary>Bytes held (packed, unpacked, scales and sums; not the lazily made int16 pairs).</summary>
    public long Bytes => Packed.Length + Values.Length + (long)Scales.Length * sizeof(float) + (long)RowSums.Length * sizeof(int);

    /// <summary>The dequantized weight <c>Scale[n] · Q[n, k]</c>, row-major <c>(N, K)</c>.</summary>
    /// <returns>A new array.</returns>
    public float[] Dequantize()
    {
        var w = new float[N * K];
        for (int r = 0; r < N; r++)
        {
            for (int c = 0; c < K; c++) w[r * K + c] = Scales[r] * Values[r * K + c];
        }
        return w;
    }

    /// <summary>The packed weights as a span (for the pointer kernels).</summary>
    internal ReadOnlySpan<byte> PackedBytes => MemoryMarshal.AsBytes(Packed.AsSpan());
}
