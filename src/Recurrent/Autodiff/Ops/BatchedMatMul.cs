using System.Numerics;
using Recurrent.Kernels;

namespace Recurrent.Autodiff;

public static partial class Ops
{
    /// <summary>
    /// One matrix product per sequence of a batch, <c>y[b] = a[b]·op(b[b])</c>: <c>(B, M, K)·(B, K, N) → (B, M, N)</c>,
    /// or with <paramref name="transposeB"/> <c>(B, M, K)·(B, N, K)ᵀ</c> (PyTorch's <c>torch.bmm</c>). Attention uses it for
    /// its scores <c>s = h·h̄ᵀ</c> and its context <c>c = α·h̄</c>.
    /// </summary>
    /// <typeparam name="T">Element type.</typeparam>
    /// <param name="tape">The tape that records the operation.</param>
    /// <param name="a">Left operands, <c>(B, M, K)</c>.</param>
    /// <param name="b">Right operands, <c>(B, K, N)</c>, or <c>(B, N, K)</c> when <paramref name="transposeB"/>.</param>
    /// <param name="transposeB">Whether each right operand is used transposed.</param>
    /// <returns>The products, <c>(B, M, N)</c>.</returns>
    public static Variable<T> BatchedMatMul<T>(this Tape<T> tape, Variable<T> a, Variable<T> b, bool transposeB = false)
        where T : unmanaged, IFloatingPointIeee754<T>
        => tape.Record<BatchedMatMulNode<T>>().Forward(a, b, transposeB);
}

/// <summary>
/// <c>C[i] = A[i]·op(B[i])</c>; backward <c>dA[i] += dC[i]·op(B[i])ᵀ</c>, <c>dB[i] += A[i]ᵀ·dC[i]</c> (or its transpose
/// <c>dC[i]ᵀ·A[i]</c> when B is stored transposed).
/// </summary>
internal sealed class BatchedMatMulNode<T> : Node<T> where T : unmanaged, IFloatingPointIeee754<T>
{
    private Variable<T> _a = null!, _b = null!, _c = null!;
    private bool _tb;
    private int _batch, _m, _n, _k;

    public Variable<T> Forward(Variable<T> a, Variable<T> b, bool transposeB)
    {
        if (a.Value.Rank != 3 || b.Value.Rank != 3)
        {
            throw new ArgumentException($"BatchedMatMul needs (B, M, K) and (B, K, N) operands; got {a.Value} and {b.Value}.", nameof(b));
        }
        int batch = a.Value.Dim(0), m = a.Value.Dim(1), k = a.Value.Dim(2);
        int bk = transposeB ? b.Value.Dim(2) : b.Value.Dim(1), n = transposeB ? b.Value.Dim(1) : b.Value.Dim(2);
        if (b.Value.Dim(0) != batch || bk != k)
        {
            throw new ArgumentException($"BatchedMatMul: a {a.Value} needs b of shape (B = {batch}, K = {k}, N){(transposeB ? " stored (B, N, K)" : "")}; got {b.Value}.", nameof(b));
        }
        (_a, _b, _tb, _batch, _m, _n, _k) = (a, b, transposeB, batch, m, n, k);
        _c = Output(a.RequiresGrad || b.RequiresGrad, batch, m, n);
        ReadOnlySpan<T> av = a.Value.Span, bv = b.Value.Span;
        Span<T> cv = _c.Value.Span;
        for (int i = 0; i < batch; i++)
        {
            Gemm.Multiply<T>(av.Slice(i * m * k, m * k), bv.Slice(i * k * n, k * n), cv.Slice(i * m * n, m * n), m, n, k, false, transposeB);
        }
        return _c;
    }

    public override void Backward()
    {
        if (_c.Grad is not { } dcT) return;
        int m = _m, n = _n, k = _k;
        ReadOnlySpan<T> dc = dcT.Span, av = _a.Value.Span, bv = _b.Value.Span;
        Span<T> da = _a.RequiresGrad ? _a.GradForAccumulation().Span : default;
        Span<T> db = _b.RequiresGrad ? _b.GradForAccumulation().Span : default;
        for (int i = 0; i < _batch; i++)
        {
            var dci = dc.Slice(i * m * n, m * n);
            if (!da.IsEmpty) Gemm.Multiply<T>(dci, bv.Slice(i * k * n, k * n), da.Slice(i * m * k, m * k), m, k, n, false, !_tb, accumulate: true);
            if (db.IsEmpty) continue;
            var ai = av.Slice(i * m * k, m * k);
            var dbi = db.Slice(i * k * n, k * n);
            if (_tb) Gemm.Multiply<T>(dci, ai, dbi, n, k, m, true, false, accumulate: true);
            else Gemm.Multiply<T>(ai, dci, dbi, k, n, m, true, false, accumulate: true);
        }
    }
}
