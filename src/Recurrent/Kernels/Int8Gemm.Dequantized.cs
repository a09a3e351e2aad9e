using System.Runtime.InteropServices;
using Recurrent.Tensors;

namespace Recurrent.Kernels;

internal static partial class Int8Gemm
{
    /// <summary>
    /// The product of quantized activations and a quantized weight, back in float, in place:
    /// <c>c[m, n] = s[m]·s_w[n]·(Σ_k a[m, k]·Q[n, k] − z[m]·Σ_k Q[n, k])</c>, each chunk of rows summed in int32 into
    /// <paramref name="c"/> (viewed as int32) and rescaled there while it is still in cache. Rows split over the cores
    /// as in <see cref="MultiplyParallel"/>.
    /// </summary>
    /// <param name="a">Activations from <see cref="Quantization.QuantizeRows"/>.</param>
    /// <param name="lda">Distance between rows of a.</param>
    /// <param name="scales">s per row.</param>
    /// <param name="zeros">z per row.</param>
    /// <param name="weight">The packed weight.</param>
    /// <param name="c">Receives the floats, leading dimension <paramref name="ldc"/> ≥ PaddedN.</param>
    /// <param name="ldc">Distance between rows of c.</param>
    /// <param name="m">Rows M.</param>
    public static void MultiplyDequantized(byte[] a, int lda, float[] scales, int[] zeros, Int8Matrix weight, float[] c, int ldc, int m)
    {
        int chunks = (m + ChunkRows - 1) / ChunkRows;
        if (chunks <= 1 || Threads.Current <= 1) MultiplyDequantizedRows(a, lda, scales, zeros, weight, c, ldc, m);
        else Parallelism.For(chunks, new DequantizedChunks(a, lda, scales, zeros, weight, c, ldc, m, Kernel));
    }

    /// <summary>The rows of <see cref="MultiplyDequantized"/> on this thread (one chunk, or a few rows of a step).</summary>
    /// <param name="a">Activations, from row 0 of the chunk.</param>
    /// <param name="lda">Distance between rows of a.</param>
    /// <param name="scales">s per row of the chunk.</param>
    /// <param name="zeros">z per row of the chunk.</param>
    /// <param name="weight">The packed weight.</param>
    /// <param name="c">The chunk's output rows.</param>
    /// <param name="ldc">Distance between rows of c.</param>
    /// <param name="m">Rows.</param>
    public static void MultiplyDequantizedRows(ReadOnlySpan<byte> a, int lda, ReadOnlySpan<float> scales, ReadOnlySpan<int> zeros, Int8Matrix weight, Span<float> c, int ldc, int m)
    {
        var acc = MemoryMarshal.Cast<float, int>(c);
        Multiply(a, lda, weight, acc, ldc, m);
        Quantization.Dequantize(acc, ldc, scales, zeros, weight, c, ldc, m);
    }

    private sealed class DequantizedChunks(byte[] a, int lda, float[] scales, int[] zeros, Int8Matrix weight, float[] c, int ldc, int m, Int8KernelKind kind) : IParallelTask
    {
        public void Run(int index)
        {
            var forced = _forcedKernel;
            _forcedKernel = kind;
            try
            {
                int r0 = index * ChunkRows;
                Rows(r0, Math.Min(m, r0 + ChunkRows));
            }
            finally
            {
                _forcedKernel = forced;
            }
        }

        public void Rows(int r0, int r1) =>
            MultiplyDequantizedRows(a.AsSpan(r0 * lda), lda, scales.AsSpan(r0), zeros.AsSpan(r0), weight, c.AsSpan(r0 * ldc), ldc, r1 - r0);
    }
}
