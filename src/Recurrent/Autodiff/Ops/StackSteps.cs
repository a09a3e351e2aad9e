using System.Numerics;

namespace Recurrent.Autodiff;

public static partial class Ops
{
    /// <summary>
    /// Stacks T step tensors <c>(B, F)</c> into a sequence: <c>(B, T, F)</c> when <paramref name="batchFirst"/>,
    /// <c>(T, B, F)</c> otherwise. The inverse of <see cref="SelectStep{T}"/>.
    /// </summary>
    /// <typeparam name="T">Element type.</typeparam>
    /// <param name="tape">The tape that records the operation.</param>
    /// <param name="steps">The steps in time order, all of the same shape.</param>
    /// <param name="batchFirst">The layout of the result.</param>
    /// <returns>The sequence tensor.</returns>
    public static Variable<T> StackSteps<T>(this Tape<T> tape, ReadOnlySpan<Variable<T>> steps, bool batchFirst)
        where T : unmanaged, IFloatingPointIeee754<T>
        => tape.Record<StackStepsNode<T>>().Forward(steps, batchFirst);
}

/// <summary><c>y[b, t] = stepₜ[b]</c>; backward adds each <c>dy[b, t]</c> into <c>d stepₜ[b]</c>.</summary>
internal sealed class StackStepsNode<T> : Node<T> where T : unmanaged, IFloatingPointIeee754<T>
{
    private readonly List<Variable<T>> _steps = [];
    private Variable<T> _y = null!;
    private int _batch, _features;
    private bool _batchFirst;

    public Variable<T> Forward(ReadOnlySpan<Variable<T>> steps, bool batchFirst)
    {
        if (steps.Length == 0) throw new ArgumentException("StackSteps needs at least one step.", nameof(steps));
        var first = steps[0].Value;
        if (first.Rank != 2) throw new ArgumentException($"Each step must be (B, F); got {first}.", nameof(steps));
        (_batch, _features, _batchFirst) = (first.Dim(0), first.Dim(1), batchFirst);
        _steps.Clear();
        bool grad = false;
        foreach (var s in steps)
        {
            if (!s.Value.SameShape(first)) throw new ArgumentException($"Steps must share one shape; got {first} and {s.Value}.", nameof(steps));
            grad |= s.RequiresGrad;
            _steps.Add(s);
        }
        int count = steps.Length;
        _y = batchFirst ? Output(grad, _batch, count, _features) : Output(grad, count, _batch, _features);
        Span<T> y = _y.Value.Span;
        for (int t = 0; t < count; t++)
        {
            ReadOnlySpan<T> s = _steps[t].Value.Span;
            for (int b = 0; b < _batch; b++) s.Slice(b * _features, _features).CopyTo(y.Slice(Row(b, t, count), _features));
        }
        return _y;
    }

    private int Row(int b, int t, int count) => (_batchFirst ? b * count + t : t * _batch + b) * _features;

    public override void Backward()
    {
        if (_y.Grad is not { } dyT) return;
        ReadOnlySpan<T> dy = dyT.Span;
        int count = _steps.Count;
        for (int t = 0; t < count; t++)
        {
            if (!_steps[t].RequiresGrad) continue;
            Span<T> ds = _steps[t].GradForAccumulation().Span;
            for (int b = 0; b < _batch; b++)
            {
                var d = ds.Slice(b * _features, _features);
                TensorPrimitives.Add(d, dy.Slice(Row(b, t, count), _features), d);
            }
        }
    }
}
