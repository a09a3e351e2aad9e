using System.Numerics;
using Recurrent.Kernels;

namespace Recurrent.Autodiff;

public static partial class Ops
{
    /// <summary>Element-wise (Hadamard) product <c>y = a ⊙ b</c> of two tensors of the same shape.</summary>
    /// <typeparam name="T">Element type.</typeparam>
    /// <param name="tape">The tape that records the operation.</param>
    /// <param name="a">First factor.</param>
    /// <param name="b">Second factor, same shape.</param>
    /// <returns>The product.</returns>
    public static Variable<T> Mul<T>(this Tape<T> tape, Variable<T> a, Variable<T> b)
        where T : unmanaged, IFloatingPointIeee754<T>
        => tape.Record<MulNode<T>>().Forward(a, b);
}

/// <summary><c>y = a ⊙ b</c>; backward <c>da += dy ⊙ b</c>, <c>db += dy ⊙ a</c>.</summary>
internal sealed class MulNode<T> : Node<T> where T : unmanaged, IFloatingPointIeee754<T>
{
    private Variable<T> _a = null!, _b = null!, _y = null!;

    public Variable<T> Forward(Variable<T> a, Variable<T> b)
    {
        Ops.CheckSameShape(a, b, "Mul");
        (_a, _b) = (a, b);
        _y = OutputLike(a.RequiresGrad || b.RequiresGrad, a.Value);
        TensorPrimitives.Multiply(a.Value.Span, b.Value.Span, _y.Value.Span);
        return _y;
    }

    public override void Backward()
    {
        if (_y.Grad is not { } dy) return;
        if (_a.RequiresGrad)
        {
            var da = _a.GradForAccumulation().Span;
            ElementWise.Map<T, MultiplyAccumulate<T>>(da, dy.Span, _b.Value.Span, da);
        }
        if (_b.RequiresGrad)
        {
            var db = _b.GradForAccumulation().Span;
            ElementWise.Map<T, MultiplyAccumulate<T>>(db, dy.Span, _a.Value.Span, db);
        }
    }
}
