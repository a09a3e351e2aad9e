using System.Numerics;
using Recurrent.Kernels;

namespace Recurrent.Autodiff;

public static partial class Ops
{
    /// <summary>Element-wise <c>y = tanh(x)</c>.</summary>
    /// <typeparam name="T">Element type.</typeparam>
    /// <param name="tape">The tape that records the operation.</param>
    /// <param name="x">Input.</param>
    /// <returns>The activation, shaped as <paramref name="x"/>.</returns>
    public static Variable<T> Tanh<T>(this Tape<T> tape, Variable<T> x)
        where T : unmanaged, IFloatingPointIeee754<T>
        => tape.Record<TanhNode<T>>().Forward(x);
}

/// <summary><c>y = tanh(x)</c>; backward from the saved output, <c>dx += dy ⊙ (1 − y²)</c>.</summary>
internal sealed class TanhNode<T> : Node<T> where T : unmanaged, IFloatingPointIeee754<T>
{
    private Variable<T> _x = null!, _y = null!;

    public Variable<T> Forward(Variable<T> x)
    {
        _x = x;
        _y = OutputLike(x.RequiresGrad, x.Value);
        TensorPrimitives.Tanh(x.Value.Span, _y.Value.Span);
        return _y;
    }

    public override void Backward()
    {
        if (_y.Grad is not { } dy || !_x.RequiresGrad) return;
        var dx = _x.GradForAccumulation().Span;
        ElementWise.Map<T, TanhBackward<T>>(dx, dy.Span, _y.Value.Span, dx);
    }
}
