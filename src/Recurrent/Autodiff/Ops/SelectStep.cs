using System.Numerics;

namespace Recurrent.Autodiff;

public static partial class Ops
{
    /// <summary>
    /// One time step of a sequence tensor: <c>x[:, t, :]</c> of a batch-first <c>(B, T, F)</c> tensor, or <c>x[t]</c> of a
    /// time-first <c>(T, B, F)</c> one; the result is <c>(B, F)</c>.
    /// </summary>
    /// <typeparam name="T">Element type.</typeparam>
    /// <param name="tape">The tape that records the operation.</param>
    /// <param name="x">A rank-3 sequence tensor.</param>
    /// <param name="t">The step.</param>
    /// <param name="batchFirst">Whether <paramref name="x"/> is <c>(B, T, F)</c> (otherwise <c>(T, B, F)</c>).</param>
    /// <returns>The step's rows, a copy.</returns>
    public static Variable<T> SelectStep<T>(this Tape<T> tape, Variable<T> x, int t, bool batchFirst)
        where T : unmanaged, IFloatingPointIeee754<T>
        => tape.Record<SelectStepNode<T>>().Forward(x, t, batchFirst);
}

/// <summary>
/// <c>y[b] = x[b, t_b]</c> (or <c>x[t_b, b]</c>), one step per row: the same t for every row (<see cref="Ops.SelectStep{T}"/>),
/// or each sequence's own last step (<see cref="Ops.LastStep{T}"/>); backward adds <c>dy[b]</c> back at the same place.
/// </summary>
internal sealed class SelectStepNode<T> : Node<T> where T : unmanaged, IFloatingPointIeee754<T>
{
    private Variable<T> _x = null!, _y = null!;
    private int[] _step = [];
    private int _batch, _steps, _features;
    private bool _batchFirst;

    public Variable<T> Forward(Variable<T> x, int t, bool batchFirst)
    {
        if (x.Value.Rank != 3) throw new ArgumentException($"x must be a (B, T, F) or (T, B, F) sequence; got {x.Value}.", nameof(x));
        int steps = batchFirst ? x.Value.Dim(1) : x.Value.Dim(0);
        if ((uint)t >= (uint)steps) throw new ArgumentOutOfRangeException(nameof(t), $"step {t} is outside [0, {steps}).");
        Shape(x, batchFirst);
        _step.AsSpan(0, _batch).Fill(t);
        return Gather();
    }

    public Variable<T> ForwardLast(Variable<T> x, ReadOnlySpan<int> lengths)
    {
        if (x.Value.Rank != 3) throw new ArgumentException($"x must be a batch-first (B, T, F) sequence; got {x.Value}.", nameof(x));
        Shape(x, batchFirst: true);
        Ops.CheckLengths(lengths, _batch, _steps);
        for (int b = 0; b < _batch; b++) _step[b] = (lengths.IsEmpty ? _steps : lengths[b]) - 1;
        return Gather();
    }

    private void Shape(Variable<T> x, bool batchFirst)
    {
        (_x, _batchFirst, _features) = (x, batchFirst, x.Value.Dim(2));
        (_batch, _steps) = batchFirst ? (x.Value.Dim(0), x.Value.Dim(1)) : (x.Value.Dim(1), x.Value.Dim(0));
        if (_step.Length < _batch) _step = new int[_batch];
    }

    private Variable<T> Gather()
    {
        _y = Output(_x.RequiresGrad, _batch, _features);
        ReadOnlySpan<T> src = _x.Value.Span;
        Span<T> dst = _y.Value.Span;
        for (int b = 0; b < _batch; b++) src.Slice(Row(b), _features).CopyTo(dst.Slice(b * _features, _features));
        return _y;
    }

    private int Row(int b) => (_batchFirst ? b * _steps + _step[b] : _step[b] * _batch + b) * _features;

    public override void Backward()
    {
        if (_y.Grad is not { } dyT || !_x.RequiresGrad) return;
        Span<T> dx = _x.GradForAccumulation().Span;
        ReadOnlySpan<T> dy = dyT.Span;
        for (int b = 0; b < _batch; b++)
        {
            var d = dx.Slice(Row(b), _features);
            TensorPrimitives.Add(d, dy.Slice(b * _features, _features), d);
        }
    }
}
