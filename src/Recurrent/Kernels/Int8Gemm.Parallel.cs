using Recurrent.Tensors;

namespace Recurrent.Kernels;

internal static partial class Int8Gemm
{
    /// <summary>Rows per parallel chunk: 32 rows of activations and their sums stay in L1/L2 beside a weight panel pair.</summary>
    private const int ChunkRows = 32;

    /// <summary>
    /// <see cref="Multiply"/> with the rows split over the cores (<see cref="Parallelism"/>) in chunks of
    /// <see cref="ChunkRows"/>, each core reading the shared packed weight; the same sums as on one thread.
    /// Each chunk runs on the path of the calling thread (a forced path holds on the workers too).
    /// </summary>
    /// <param name="a">Activations.</param>
    /// <param name="lda">Distance between rows of a.</param>
    /// <param name="weight">The packed weight.</param>
    /// <param name="acc">Receives the sums.</param>
    /// <param name="ldc">Distance between rows of acc.</param>
    /// <param name="m">Rows M.</param>
    public static void MultiplyParallel(byte[] a, int lda, Int8Matrix weight, int[] acc, int ldc, int m)
    {
        Check(a, lda, weight, acc, ldc, m);
        int chunks = (m + ChunkRows - 1) / ChunkRows;
        if (chunks <= 1 || Threads.Current <= 1)
        {
            Multiply(a, lda, weight, acc, ldc, m);
            return;
        }
        Parallelism.For(chunks, new RowChunks(a, lda, weight, acc, ldc, m, Kernel));
    }

    private sealed class RowChunks(byte[] a, int lda, Int8Matrix weight, int[] acc, int ldc, int m, Int8KernelKind kind) : IParallelTask
    {
        public void Run(int index)
        {
            int r0 = index * ChunkRows, rows = Math.Min(ChunkRows, m - r0);
            var forced = _forcedKernel;
            _forcedKernel = kind;
            try
            {
                Multiply(a.AsSpan(r0 * lda), lda, weight, acc.AsSpan(r0 * ldc), ldc, rows);
            }
            finally
            {
                _forcedKernel = forced;
            }
        }
    }
}
