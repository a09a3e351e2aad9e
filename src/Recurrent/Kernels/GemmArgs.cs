using System.Numerics;

namespace Recurrent.Kernels;

/// <summary>The operands and sizes of one <see cref="Gemm"/> call, on pinned memory.</summary>
internal unsafe struct GemmArgs<T> where T : unmanaged, IFloatingPointIeee754<T>
{
    public T* A;
    public T* B;
    public T* C;
    public int Lda, Ldb, Ldc;
    public int M, N, K;
    public bool TransposeA, TransposeB;
    public T Alpha, Beta;

    /// <summary>When not null, op(B) comes pre-packed (<see cref="PackedMatrix{T}"/>) and B, Ldb, TransposeB are unused.</summary>
    public T* PackedB;

    /// <summary>Columns of the pre-packed op(B), padded to whole panels: the length of one packed depth step of a block.</summary>
    public int PackedWidth;

    /// <summary>Columns per panel of the pre-packed op(B) (the NR of the kernel it was packed for).</summary>
    public int PackedPanel;

    /// <summary>The column of the pre-packed op(B) that is this product's column 0 (non-zero in one thread's share).</summary>
    public int PackedColumn;

    /// <summary>op(A)[i, p], whichever way A is stored.</summary>
    public readonly T* APtr(int i, int p) => TransposeA ? A + (long)p * Lda + i : A + (long)i * Lda + p;

    /// <summary>op(B)[p, j], whichever way B is stored.</summary>
    public readonly T* BPtr(int p, int j) => TransposeB ? B + (long)j * Ldb + p : B + (long)p * Ldb + j;

    /// <summary>
    /// Checks sizes against the spans' lengths and returns the arguments, pointers still unset.
    /// <paramref name="bLength"/> is −1 for a pre-packed B, which was checked when it was packed.
    /// </summary>
    public static GemmArgs<T> Validate(int aLength, int lda, int bLength, int ldb, int cLength, int ldc,
        int m, int n, int k, bool transposeA, bool transposeB, T alpha, T beta)
    {
        if (m < 0) throw new ArgumentOutOfRangeException(nameof(m), $"m must be non-negative; got {m}.");
        if (n < 0) throw new ArgumentOutOfRangeException(nameof(n), $"n must be non-negative; got {n}.");
        if (k < 0) throw new ArgumentOutOfRangeException(nameof(k), $"k must be non-negative; got {k}.");
        CheckOperand("a", aLength, lda, transposeA ? k : m, transposeA ? m : k);
        if (bLength >= 0) CheckOperand("b", bLength, ldb, transposeB ? n : k, transposeB ? k : n);
        CheckOperand("c", cLength, ldc, m, n);
        return new GemmArgs<T>
        {
            Lda = lda, Ldb = ldb, Ldc = ldc, M = m, N = n, K = k,
            TransposeA = transposeA, TransposeB = transposeB, Alpha = alpha, Beta = beta,
        };
    }

    private static void CheckOperand(string name, int length, int ld, int rows, int cols)
    {
        if (rows == 0 || cols == 0) return;
        if (ld < cols)
        {
            throw new ArgumentOutOfRangeException("ld" + name, $"The leading dimension of {name} must be at least {cols}; got {ld}.");
        }
        long needed = (long)(rows - 1) * ld + cols;
        if (length < needed)
        {
            throw new ArgumentException($"{name} is stored as {rows}×{cols} with leading dimension {ld}, which needs {needed} elements; it has {length}.", name);
        }
    }
}
