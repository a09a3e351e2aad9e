using System.Numerics;

namespace Recurrent.Autodiff;

public static partial class Ops
{
    /// <summary>Element-wise sum <c>y = a + b</c> of two tensors of the same shape.</summary>
    /// <typeparam name="T">Element type.</typeparam>
    /// <param name="tape">The tape that records the operation.</param>
    /// <param name="a">First term.</param>
    /// <param name="b">Second term, same shape.</param>
    /// <returns>The sum.</returns>
    public static Variable<T> Add<T>(this Tape<T> tape, Variable<T> a, Variable<T> b)
        where T : unmanaged, IFloatingPointIeee754<T>
        => tape.Record<AddNode<T>>().Forward(a, b, subtract: false);

    /// <summary>Element-wise difference <c>y = a − b</c> of two tensors of the same shape.</summary>
    /// <typeparam name="T">Element type.</typeparam>
    /// <param name="tape">The tape that records the operation.</param>
    /// <param name="a">Minuend.</param>
    /// <param name="b">Subtrahend, same shape.</param>
    /// <returns>The difference.</returns>
    public static Variable<T> Sub<T>(this Tape<T> tape, Variable<T> a, Variable<T> b)
        where T : unmanaged, IFloatingPointIeee754<T>
        => tape.Record<AddNode<T>>().Forward(a, b, subtract: true);

    internal static void CheckSameShape<T>(Variable<T> a, Variable<T> b, string operation)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        if (!a.Value.SameShape(b.Value))
        {
            throw new ArgumentException($"{operation} needs equal shapes; got {a.Value} and {b.Value}.", nameof(b));
        }
    }
}

/// <summary><c>y = a ± b</c>; backward <c>da += dy</c>, <c>db ±= dy</c>.</summary>
internal sealed class AddNode<T> : Node<T> where T : unmanaged, IFloatingPointIeee754<T>
{
    private Variable<T> _a = null!, _b = null!, _y = null!;
    private bool _subtract;

    public Variable<T> Forward(Variable<T> a, Variable<T> b, bool subtract)
    {
        Ops.CheckSameShape(a, b, subtract ? "Sub" : "Add");
        (_a, _b, _subtract) = (a, b, subtract);
        _y = OutputLike(a.RequiresGrad || b.RequiresGrad, a.Value);
        if (subtract) TensorPrimitives.Subtract(a.Value.Span, b.Value.Span, _y.Value.Span);
        else TensorPrimitives.Add(a.Value.Span, b.Value.Span, _y.Value.Span);
        return _y;
    }

    public override void Backward()
    {
        if (_y.Grad is not { } dy) return;
        if (_a.RequiresGrad)
        {
            var da = _a.GradForAccumulation();
            TensorPrimitives.Add(da.Span, dy.Span, da.Span);
        }
        if (_b.RequiresGrad)
        {
            var db = _b.GradForAccumulation();
            if (_subtract) TensorPrimitives.Subtract(db.Span, dy.Span, db.Span);
            else TensorPrimitives.Add(db.Span, dy.Span, db.Span);
        }
    }
}
