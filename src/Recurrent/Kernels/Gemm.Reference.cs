using System.Numerics;

namespace Recurrent.Kernels;

/// <summary>
/// The naive GEMM, <c>C = α·op(A)·op(B) + β·C</c> as three loops with a double-precision sum: the definition that the
/// tests hold <see cref="Gemm"/> to.
/// </summary>
internal static class GemmReference
{
    /// <summary>Same contract as <see cref="Gemm.Multiply{T}(ReadOnlySpan{T}, int, ReadOnlySpan{T}, int, Span{T}, int, int, int, int, bool, bool, T, T)"/>.</summary>
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
    /// <param name="alpha">α.</param>
    /// <param name="beta">β (0: C is not read).</param>
    public static void Multiply<T>(ReadOnlySpan<T> a, int lda, ReadOnlySpan<T> b, int ldb, Span<T> c, int ldc,
        int m, int n, int k, bool transposeA, bool transposeB, T alpha, T beta)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        GemmArgs<T>.Validate(a.Length, lda, b.Length, ldb, c.Length, ldc, m, n, k, transposeA, transposeB, alpha, beta);
        double al = double.CreateTruncating(alpha), be = double.CreateTruncating(beta);
        for (int i = 0; i < m; i++)
        {
            for (int j = 0; j < n; j++)
            {
                double sum = 0;
                for (int p = 0; p < k; p++)
                {
                    T x = transposeA ? a[p * lda + i] : a[i * lda + p];
                    T y = transposeB ? b[j * ldb + p] : b[p * ldb + j];
                    sum += double.CreateTruncating(x) * double.CreateTruncating(y);
                }
                double prior = be == 0 ? 0 : be * double.CreateTruncating(c[i * ldc + j]);
                c[i * ldc + j] = T.CreateTruncating(al * sum + prior);
            }
        }
    }
}
