using System.Numerics;

namespace Recurrent.Autodiff;

public static partial class Ops
{
    /// <summary>
    /// The mean over each sequence's valid steps, the lecture's "promedio" read-out of an N-1 model:
    /// <c>y[b] = (1/len_b)·Σ_{t &lt; len_b} x[b, t]</c> of a batch-first <c>(B, T, F)</c> tensor, <c>(B, F)</c>. Padded
    /// steps neither count nor receive a gradient.
    /// </summary>
    /// <typeparam name="T">Element type.</typeparam>
    /// <param name="tape">The tape that records the operation.</param>
    /// <param name="x">A batch-first sequence tensor <c>(B, T, F)</c>.</param>
    /// <param name="lengths">Each sequence's length in <c>[1, T]</c>; empty when all have length T. Copied.</param>
    /// <returns>The masked mean.</returns>
    public static Variable<T> MeanOverSteps<T>(this Tape<T> tape, Variable<T> x, ReadOnlySpan<int> lengths = default)
        where T : unmanaged, IFloatingPointIeee754<T>
        => tape.Record<MeanOverStepsNode<T>>().Forward(x, lengths);
}

/// <summary><c>y[b] = (1/len_b)·Σ_{t &lt; len_b} x[b, t]</c>; backward <c>dx[b, t] += dy[b] / len_b</c> for <c>t &lt; len_b</c>.</summary>
internal sealed class MeanOverStepsNode<T> : Node<T> where T : unmanaged, IFloatingPointIeee754<T>
{
    private Variable<T> _x = null!, _y = null!;
    private int[] _lengths = [];
    private int _batch, _steps, _features;

    public Variable<T> Forward(Variable<T> x, ReadOnlySpan<int> lengths)
    {
        if (x.Value.Rank != 3) throw new ArgumentException($"x must be a batch-first (B, T, F) sequence; got {x.Value}.", nameof(x));
        (_x, _batch, _steps, _features) = (x, x.Value.Dim(0), x.Value.Dim(1), x.Value.Dim(2));
        Ops.CheckLengths(lengths, _batch, _steps);
        if (_lengths.Length < _batch) _lengths = new int[_batch];
        for (int b = 0; b < _batch; b++) _lengths[b] = lengths.IsEmpty ? _steps : lengths[b];
        _y = Output(x.RequiresGrad, _batch, _features);
        ReadOnlySpan<T> src = x.Value.Span;
        Span<T> dst = _y.Value.Span;
        dst.Clear();
        for (int b = 0; b < _batch; b++)
        {
            var y = dst.Slice(b * _features, _features);
            for (int t = 0; t < _lengths[b]; t++) TensorPrimitives.Add(y, src.Slice((b * _steps + t) * _features, _features), y);
            TensorPrimitives.Multiply(y, T.One / T.CreateTruncating(_lengths[b]), y);
        }
        return _y;
    }

    public override void Backward()
    {
        if (_y.Grad is not { } dyT || !_x.RequiresGrad) return;
        Span<T> dx = _x.GradForAccumulation().Span;
        ReadOnlySpan<T> dy = dyT.Span;
        for (int b = 0; b < _batch; b++)
        {
            T scale = T.One / T.CreateTruncating(_lengths[b]);
            var g = dy.Slice(b * _features, _features);
            for (int t = 0; t < _lengths[b]; t++)
            {
                var d = dx.Slice((b * _steps + t) * _features, _features);
                TensorPrimitives.MultiplyAdd(g, scale, d, d);
            }
        }
    }
}
