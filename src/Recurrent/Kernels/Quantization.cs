using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace Recurrent.Kernels;

/// <summary>
/// Dynamic int8 quantization, as PyTorch's <c>quantize_dynamic</c> and ONNX Runtime's <c>DynamicQuantizeLSTM</c> do it:
/// weights symmetric int8 per output channel, once (<see cref="QuantizeWeights"/>); activations asymmetric uint8 per
/// row, at every use (<see cref="QuantizeRows"/>); products in int32 (<see cref="Int8Gemm"/>), rescaled to float
/// (<see cref="Dequantize"/>).
/// </summary>
/// <remarks>
/// <para>
/// Why uint8 activations with a zero point and int8 weights without: <c>VPDPBUSD</c> (AVX-VNNI) multiplies unsigned
/// bytes by signed bytes. Activations such as h ∈ (−1, 1) or an embedding are not centred on a fixed value, so each
/// row gets the affine map <c>x ≈ s·(q − z)</c> over its own range <c>[min(0, min x), max(0, max x)]</c>:
/// <c>s = (max − min) / 255</c>, <c>z = round(−min / s)</c>, <c>q = clamp(round(x / s) + z, 0, 255)</c> (the range holds
/// 0 so that 0 is exact). Weights are symmetric about 0, so a zero point would only cost work:
/// <c>w ≈ s_w[n]·Q[n, k]</c>, <c>Q ∈ [−127, 127]</c>. The product is then
/// <code>
/// Σ_k x[m, k]·w[n, k] ≈ s[m]·s_w[n]·(Σ_k q[m, k]·Q[n, k] − z[m]·Σ_k Q[n, k])
/// </code>
/// where <c>Σ_k Q[n, k]</c> is precomputed per channel (<see cref="Int8Matrix.RowSums"/>), so the zero point costs one
/// multiply-add per output, not per product. The int32 sum is exact: |q·Q| ≤ 255·127, so K up to 66 000 cannot overflow.
/// </para>
/// <para>
/// Per row rather than per tensor: a row is one sequence's step, so the result of a row does not depend on the other
/// rows of the batch, nor on how the rows are split over the cores, and a streaming step of one sequence gives exactly
/// what the whole batch gives it. It also fits each sequence's range (ONNX Runtime uses one range per tensor).
/// The error of one activation is at most s/2 (rounding), of one weight s_w/2.
/// </para>
/// <para>Rounding is to nearest, ties to even, in the vector and the scalar code alike, so both give the same bytes.</para>
/// </remarks>
internal static class Quantization
{
    /// <summary>
    /// Quantizes W <c>(N, K)</c> per row: <paramref name="scales"/>[n] = max |W[n, ·]| / 127 (1 for an all-zero row),
    /// <paramref name="values"/>[n, k] = round(W[n, k] / scale), and <paramref name="rowSums"/>[n] = Σ_k values[n, k].
    /// </summary>
    /// <param name="weight">W, row-major.</param>
    /// <param name="n">Rows N.</param>
    /// <param name="k">Columns K.</param>
    /// <param name="values">Receives Q, row-major.</param>
    /// <param name="scales">Receives the N scales.</param>
    /// <param name="rowSums">Receives the N row sums.</param>
    public static void QuantizeWeights(ReadOnlySpan<float> weight, int n, int k, Span<sbyte> values, Span<float> scales, Span<int> rowSums)
    {
        for (int r = 0; r < n; r++)
        {
            var row = weight.Slice(r * k, k);
            float max = TensorPrimitives.MaxMagnitude(row);
            max = MathF.Abs(max);
            if (!float.IsFinite(max)) throw new ArgumentException($"weight row {r} holds {max}; only finite weights can be quantized.", nameof(weight));
            float scale = max > 0 ? max / 127f : 1f;
            scales[r] = scale;
            int sum = 0;
            for (int c = 0; c < k; c++)
            {
                int q = (int)MathF.Round(row[c] / scale);
                q = Math.Clamp(q, -127, 127);
                values[r * k + c] = (sbyte)q;
                sum += q;
            }
            rowSums[r] = sum;
        }
    }

    /// <summary>
    /// Quantizes M rows of K activations to uint8, each with its own scale and zero point (see the remarks of the class);
    /// the bytes of a row past K, up to <paramref name="ldq"/>, are set to zero (they meet zero weights).
    /// </summary>
    /// <param name="x">The activations, row-major with leading dimension <paramref name="ldx"/>.</param>
    /// <param name="ldx">Distance between rows of x.</param>
    /// <param name="q">Receives the bytes, leading dimension <paramref name="ldq"/> ≥ K.</param>
    /// <param name="ldq">Distance between rows of q.</param>
    /// <param name="scales">Receives the M scales s.</param>
    /// <param name="zeros">Receives the M zero points z.</param>
    /// <param name="m">Rows M.</param>
    /// <param name="k">Activations per row K.</param>
    public static void QuantizeRows(ReadOnlySpan<float> x, int ldx, Span<byte> q, int ldq, Span<float> scales, Span<int> zeros, int m, int k)
    {
        for (int r = 0; r < m; r++)
        {
            var row = x.Slice(r * ldx, k);
            var (scale, zero) = RowParameters(row);
            scales[r] = scale;
            zeros[r] = zero;
            var dst = q.Slice(r * ldq, ldq);
            QuantizeRow(row, 1f / scale, zero, dst);
            dst[k..].Clear();
        }
    }

    /// <summary>The scale and zero point of one row: its range widened to hold 0, over 255 steps.</summary>
    /// <param name="row">The activations.</param>
    /// <returns>s (1 for an all-zero row) and z.</returns>
    public static (float Scale, int Zero) RowParameters(ReadOnlySpan<float> row)
    {
        float min = MathF.Min(0f, TensorPrimitives.Min(row)), max = MathF.Max(0f, TensorPrimitives.Max(row));
        if (!float.IsFinite(min) || !float.IsFinite(max)) throw new ArgumentException($"an activation row holds {(float.IsFinite(min) ? max : min)}; int8 inference needs finite inputs.", nameof(row));
        float scale = (max - min) / 255f;
        if (!(scale > 0) || !float.IsNormal(scale)) return (1f, 0);
        int zero = Math.Clamp((int)MathF.Round(-min / scale), 0, 255);
        return (scale, zero);
    }

    /// <summary><c>q[k] = clamp(round(x[k]·inverse) + zero, 0, 255)</c>.</summary>
    /// <param name="x">The row.</param>
    /// <param name="inverse">1 / s.</param>
    /// <param name="zero">z.</param>
    /// <param name="q">Receives the bytes.</param>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void QuantizeRow(ReadOnlySpan<float> x, float inverse, int zero, Span<byte> q)
    {
        int i = 0;
        if (Vector256.IsHardwareAccelerated)
        {
            var inv = Vector256.Create(inverse);
            var z = Vector256.Create(zero);
            var lo = Vector256<int>.Zero;
            var hi = Vector256.Create(255);
            for (; i <= x.Length - 8; i += 8)
            {
                var v = Vector256.ConvertToInt32(Vector256.Round(Vector256.LoadUnsafe(ref Unsafe.AsRef(in x[i])) * inv)) + z;
                v = Vector256.Min(Vector256.Max(v, lo), hi);
                // The cross-platform Narrow keeps element order: the first 8 bytes are q[i … i+7].
                var bytes = Vector256.Narrow(Vector256.Narrow(v, v).AsUInt16(), Vector256<ushort>.Zero);
                Unsafe.WriteUnaligned(ref q[i], bytes.AsUInt64().ToScalar());
            }
        }
        for (; i < x.Length; i++) q[i] = QuantizeValue(x[i], inverse, zero);
    }

    /// <summary>One activation: <c>clamp(round(x·inverse) + zero, 0, 255)</c>, ties to even.</summary>
    /// <param name="x">The value.</param>
    /// <param name="inverse">1 / s.</param>
    /// <param name="zero">z.</param>
    /// <returns>q.</returns>
    public static byte QuantizeValue(float x, float inverse, int zero) =>
        (byte)Math.Clamp((int)MathF.Round(x * inverse) + zero, 0, 255);

    /// <summary>
    /// Rescales int32 products to float: <c>c[m, n] (+)= s[m]·s_w[n]·(acc[m, n] − z[m]·Σ_k Q[n, k])</c> for n &lt; N.
    /// </summary>
    /// <param name="acc">The int32 sums, leading dimension <paramref name="ldAcc"/>.</param>
    /// <param name="ldAcc">Distance between rows of acc.</param>
    /// <param name="scales">s per row.</param>
    /// <param name="zeros">z per row.</param>
    /// <param name="weight">The weight (its scales and row sums).</param>
    /// <param name="c">Receives the floats, leading dimension <paramref name="ldc"/>.</param>
    /// <param name="ldc">Distance between rows of c.</param>
    /// <param name="m">Rows M.</param>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Dequantize(ReadOnlySpan<int> acc, int ldAcc, ReadOnlySpan<float> scales, ReadOnlySpan<int> zeros, Int8Matrix weight, Span<float> c, int ldc, int m)
    {
        int n = weight.N;
        ReadOnlySpan<float> ws = weight.Scales;
        ReadOnlySpan<int> sums = weight.RowSums;
        for (int r = 0; r < m; r++)
        {
            var a = acc.Slice(r * ldAcc, n);
            var dst = c.Slice(r * ldc, n);
            float s = scales[r];
            int z = zeros[r];
            int j = 0;
            if (Vector256.IsHardwareAccelerated)
            {
                var vs = Vector256.Create(s);
                var vz = Vector256.Create(z);
                for (; j <= n - 8; j += 8)
                {
                    var d = Vector256.LoadUnsafe(ref Unsafe.AsRef(in a[j])) - vz * Vector256.LoadUnsafe(ref Unsafe.AsRef(in sums[j]));
                    var f = Vector256.ConvertToSingle(d) * Vector256.LoadUnsafe(ref Unsafe.AsRef(in ws[j])) * vs;
                    f.StoreUnsafe(ref dst[j]);
                }
            }
            for (; j < n; j++) dst[j] = (float)(a[j] - z * sums[j]) * ws[j] * s;
        }
    }
}
