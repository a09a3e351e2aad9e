using System.Numerics;
using Recurrent.Kernels;

namespace Recurrent.Autodiff;

public static partial class Ops
{
    /// <summary>Element-wise <c>y = max(0, x)</c>.</summary>
    /// <typeparam name="T">Element type.</typeparam>
    /// <param name="tape">The tape that records the operation.</param>
    /// <param name="x">Input.</param>
    /// <returns>The activation, shaped as <paramref name="x"/>.</returns>
    public static Variable<T> Relu<T>(this Tape<T> tape, Variable<T> x)
        where T : unmanaged, IFloatingPointIeee754<T>
        => tape.Record<ReluNode<T>>().Forward(x);
}

/// <summary><c>y = max(0, x)</c>; backward from the saved output, <c>dx += dy ⊙ [y > 0]</c>.</summary>
internal sealed class ReluNode<T> : Node<T> where T : unmanaged, IFloatingPointIeee754<T>
{
    private Variable<T> _x = null!, _y = null!;

    public Variable<T> Forward(Variable<T> x)
    {
        _x = x;
        _y = OutputLike(x.RequiresGrad, x.Value);
        TensorPrimitives.Max(x.Value.Span, T.Zero, _y.Value.Span);
        return _y;
    }

    public override void Backward()
    {
        if (_y.Grad is not { } dy || !_x.RequiresGrad) return;
        var dx = _x.GradForAccumulation().Span;
        ElementWise.Map<T, ReluBackward<T>>(dx, dy.Span, _y.Value.Span, dx);
    }
}
