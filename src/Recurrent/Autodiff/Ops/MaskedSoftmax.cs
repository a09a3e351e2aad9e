using System.Numerics;

namespace Recurrent.Autodiff;

public static partial class Ops
{
    /// <summary>
    /// Softmax over the last axis of a <c>(B, M, N)</c> tensor, restricted to each batch entry's first
    /// <c>len_b</c> positions: <c>y[b, m, n] = e^{x[b, m, n]} / Σ_{j &lt; len_b} e^{x[b, m, j]}</c> for <c>n &lt; len_b</c>, and 0
    /// beyond. Attention weights over a padded source sequence: padded steps get no weight and no gradient.
    /// </summary>
    /// <typeparam name="T">Element type.</typeparam>
    /// <param name="tape">The tape that records the operation.</param>
    /// <param name="x">Scores, <c>(B, M, N)</c>.</param>
    /// <param name="lengths">Valid positions per batch entry, each in <c>[1, N]</c>; empty when all N are valid. Copied.</param>
    /// <returns>The weights, each row summing to 1 over its valid positions.</returns>
    public static Variable<T> MaskedSoftmax<T>(this Tape<T> tape, Variable<T> x, ReadOnlySpan<int> lengths = default)
        where T : unmanaged, IFloatingPointIeee754<T>
        => tape.Record<MaskedSoftmaxNode<T>>().Forward(x, lengths);
}

/// <summary>
/// <c>y = softmax(x)</c> over each row's valid prefix; backward from the saved output,
/// <c>dx[n] += y[n]·(dy[n] − Σⱼ y[j]·dy[j])</c>.
/// </summary>
internal sealed class MaskedSoftmaxNode<T> : Node<T> where T : unmanaged, IFloatingPointIeee754<T>
{
    private Variable<T> _x = null!, _y = null!;
    private int[] _lengths = [];
    private int _batch, _rows, _columns;

    public Variable<T> Forward(Variable<T> x, ReadOnlySpan<int> lengths)
    {
        if (x.Value.Rank != 3) throw new ArgumentException($"x must be (B, M, N); got {x.Value}.", nameof(x));
        (_x, _batch, _rows, _columns) = (x, x.Value.Dim(0), x.Value.Dim(1), x.Value.Dim(2));
        Ops.CheckLengths(lengths, _batch, _columns);
        if (_lengths.Length < _batch) _lengths = new int[_batch];
        for (int b = 0; b < _batch; b++) _lengths[b] = lengths.IsEmpty ? _columns : lengths[b];
        _y = OutputLike(x.RequiresGrad, x.Value);
        ReadOnlySpan<T> xs = x.Value.Span;
        Span<T> ys = _y.Value.Span;
        ys.Clear();
        for (int b = 0; b < _batch; b++)
        {
            int valid = _lengths[b];
            for (int m = 0; m < _rows; m++)
            {
                int row = (b * _rows + m) * _columns;
                var y = ys.Slice(row, valid);
                TensorPrimitives.Subtract(xs.Slice(row, valid), TensorPrimitives.Max(xs.Slice(row, valid)), y); // e^{x − max}: no overflow
                TensorPrimitives.Exp(y, y);
                TensorPrimitives.Divide(y, TensorPrimitives.Sum<T>(y), y);
            }
        }
        return _y;
    }

    public override void Backward()
    {
        if (_y.Grad is not { } dyT || !_x.RequiresGrad) return;
        Span<T> dx = _x.GradForAccumulation().Span;
        ReadOnlySpan<T> dy = dyT.Span, y = _y.Value.Span;
        for (int b = 0; b < _batch; b++)
        {
            int valid = _lengths[b];
            for (int m = 0; m < _rows; m++)
            {
                int row = (b * _rows + m) * _columns;
                var yr = y.Slice(row, valid);
                var dyr = dy.Slice(row, valid);
                T dot = TensorPrimitives.Dot(yr, dyr);
                for (int n = 0; n < valid; n++) dx[row + n] += yr[n] * (dyr[n] - dot);
            }
        }
    }
}
