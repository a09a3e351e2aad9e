using System.Numerics;
using Recurrent.Kernels;

namespace Recurrent.Autodiff;

/// <summary>
/// The differentiable operations a tape records, as extension methods of <see cref="Tape{T}"/>: one primitive per
/// file under <c>Autodiff/Ops</c>, with its forward and backward side by side.
/// </summary>
public static partial class Ops
{
    /// <summary>
    /// Matrix product <c>y = op(a)·op(b)</c>. Without <paramref name="transposeA"/>, <paramref name="a"/> may have any
    /// rank: its leading dimensions are flattened into rows, and <c>y</c> keeps them (<c>(B, T, I)·(I, N) → (B, T, N)</c>).
    /// </summary>
    /// <typeparam name="T">Element type.</typeparam>
    /// <param name="tape">The tape that records the operation.</param>
    /// <param name="a">Left operand, <c>(…, K)</c>, or <c>(K, M)</c> stored transposed.</param>
    /// <param name="b">Right operand, <c>(K, N)</c>, or <c>(N, K)</c> when <paramref name="transposeB"/> (a PyTorch weight).</param>
    /// <param name="transposeA">Whether op(a) = aᵀ (a must be rank 2).</param>
    /// <param name="transposeB">Whether op(b) = bᵀ.</param>
    /// <returns>The product.</returns>
    public static Variable<T> MatMul<T>(this Tape<T> tape, Variable<T> a, Variable<T> b, bool transposeA = false, bool transposeB = false)
        where T : unmanaged, IFloatingPointIeee754<T>
        => tape.Record<MatMulNode<T>>().Forward(a, b, transposeA, transposeB);
}

/// <summary>
/// <c>C = op(A)·op(B)</c>; backward <c>dA += dC·op(B)ᵀ</c> (stored as A is), <c>dB += op(A)ᵀ·dC</c> (stored as B is).
/// </summary>
internal sealed class MatMulNode<T> : Node<T> where T : unmanaged, IFloatingPointIeee754<T>
{
    private Variable<T> _a = null!, _b = null!, _c = null!;
    private bool _ta, _tb;
    private int _m, _n, _k;

    public Variable<T> Forward(Variable<T> a, Variable<T> b, bool transposeA, bool transposeB)
    {
        if (b.Value.Rank != 2) throw new ArgumentException($"b must be a matrix; got shape {b.Value}.", nameof(b));
        if (transposeA && a.Value.Rank != 2) throw new ArgumentException($"A transposed a must be a matrix; got {a.Value}.", nameof(a));
        if (a.Value.Rank < 1) throw new ArgumentException("a must have at least one dimension.", nameof(a));
        int aCols = a.Value.Dim(-1);
        int k = transposeA ? a.Value.Dim(0) : aCols;
        int m = transposeA ? aCols : (aCols == 0 ? 0 : a.Value.Length / aCols);
        int bk = transposeB ? b.Value.Dim(1) : b.Value.Dim(0);
        int n = transposeB ? b.Value.Dim(0) : b.Value.Dim(1);
        if (bk != k)
        {
            throw new ArgumentException($"MatMul: op(a) has {k} columns but op(b) has {bk} rows (a {a.Value}, b {b.Value}, transposeB = {transposeB}).", nameof(b));
        }
        (_a, _b, _ta, _tb, _m, _n, _k) = (a, b, transposeA, transposeB, m, n, k);
        bool grad = a.RequiresGrad || b.RequiresGrad;
        _c = a.Value.Rank == 3 && !transposeA
            ? Output(grad, a.Value.Dim(0), a.Value.Dim(1), n)
            : Output(grad, m, n);
        Gemm.Multiply<T>(a.Value.Span, b.Value.Span, _c.Value.Span, m, n, k, transposeA, transposeB);
        return _c;
    }

    public override void Backward()
    {
        if (_c.Grad is not { } dc) return;
        if (_a.RequiresGrad)
        {
            var da = _a.GradForAccumulation();
            if (!_ta) Gemm.Multiply<T>(dc.Span, _b.Value.Span, da.Span, _m, _k, _n, false, !_tb, accumulate: true);
            else Gemm.Multiply<T>(_b.Value.Span, dc.Span, da.Span, _k, _m, _n, _tb, true, accumulate: true);
        }
        if (_b.RequiresGrad)
        {
            var db = _b.GradForAccumulation();
            if (!_tb) Gemm.Multiply<T>(_a.Value.Span, dc.Span, db.Span, _k, _n, _m, !_ta, false, accumulate: true);
            else Gemm.Multiply<T>(dc.Span, _a.Value.Span, db.Span, _n, _k, _m, true, _ta, accumulate: true);
        }
    }
}
