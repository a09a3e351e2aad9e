using System.Numerics;

namespace Recurrent.Autodiff;

public static partial class Ops
{
    /// <summary>Multiplication by a constant, <c>y = c·x</c>.</summary>
    /// <typeparam name="T">Element type.</typeparam>
    /// <param name="tape">The tape that records the operation.</param>
    /// <param name="x">Input.</param>
    /// <param name="factor">The constant c.</param>
    /// <returns>The scaled tensor.</returns>
    public static Variable<T> Scale<T>(this Tape<T> tape, Variable<T> x, T factor)
        where T : unmanaged, IFloatingPointIeee754<T>
        => tape.Record<ScaleNode<T>>().Forward(x, factor);
}

/// <summary><c>y = c·x</c>; backward <c>dx += c·dy</c>.</summary>
internal sealed class ScaleNode<T> : Node<T> where T : unmanaged, IFloatingPointIeee754<T>
{
    private Variable<T> _x = null!, _y = null!;
    private T _c;

    public Variable<T> Forward(Variable<T> x, T factor)
    {
        (_x, _c) = (x, factor);
        _y = OutputLike(x.RequiresGrad, x.Value);
        TensorPrimitives.Multiply(x.Value.Span, factor, _y.Value.Span);
        return _y;
    }

    public override void Backward()
    {
        if (_y.Grad is not { } dy || !_x.RequiresGrad) return;
        var dx = _x.GradForAccumulation().Span;
        TensorPrimitives.MultiplyAdd(dy.Span, _c, dx, dx);
    }
}
