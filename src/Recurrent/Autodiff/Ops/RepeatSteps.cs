using System.Numerics;

namespace Recurrent.Autodiff;

public static partial class Ops
{
    /// <summary>
    /// A vector per sequence repeated at every step, <c>(B, F) → (B, T, F)</c> batch-first: <c>y[b, t] = x[b]</c>. A 1-N
    /// model uses it to feed its input vector (image features) at every step of the decoder.
    /// </summary>
    /// <typeparam name="T">Element type.</typeparam>
    /// <param name="tape">The tape that records the operation.</param>
    /// <param name="x">The vectors, <c>(B, F)</c>.</param>
    /// <param name="steps">T, at least 1.</param>
    /// <returns>The repeated sequence.</returns>
    public static Variable<T> RepeatSteps<T>(this Tape<T> tape, Variable<T> x, int steps)
        where T : unmanaged, IFloatingPointIeee754<T>
        => tape.Record<RepeatStepsNode<T>>().Forward(x, steps);
}

/// <summary><c>y[b, t] = x[b]</c>; backward <c>dx[b] += Σ_t dy[b, t]</c>.</summary>
internal sealed class RepeatStepsNode<T> : Node<T> where T : unmanaged, IFloatingPointIeee754<T>
{
    private Variable<T> _x = null!, _y = null!;
    private int _batch, _steps, _features;

    public Variable<T> Forward(Variable<T> x, int steps)
    {
        if (x.Value.Rank != 2) throw new ArgumentException($"x must be (B, F); got {x.Value}.", nameof(x));
        if (steps < 1) throw new ArgumentOutOfRangeException(nameof(steps), $"steps is {steps}; expected at least 1.");
        (_x, _batch, _steps, _features) = (x, x.Value.Dim(0), steps, x.Value.Dim(1));
        _y = Output(x.RequiresGrad, _batch, steps, _features);
        ReadOnlySpan<T> src = x.Value.Span;
        Span<T> dst = _y.Value.Span;
        for (int b = 0; b < _batch; b++)
        {
            var row = src.Slice(b * _features, _features);
            for (int t = 0; t < steps; t++) row.CopyTo(dst.Slice((b * steps + t) * _features, _features));
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
            var d = dx.Slice(b * _features, _features);
            for (int t = 0; t < _steps; t++) TensorPrimitives.Add(d, dy.Slice((b * _steps + t) * _features, _features), d);
        }
    }
}
