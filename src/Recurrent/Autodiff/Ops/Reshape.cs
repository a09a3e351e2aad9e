using System.Numerics;
using Recurrent.Tensors;

namespace Recurrent.Autodiff;

public static partial class Ops
{
    /// <summary>The same elements with another shape (a view: nothing is copied); the gradient flows back unchanged.</summary>
    /// <typeparam name="T">Element type.</typeparam>
    /// <param name="tape">The tape that records the operation.</param>
    /// <param name="x">Input.</param>
    /// <param name="shape">The new shape, with as many elements; one entry may be -1.</param>
    /// <returns>The reshaped variable.</returns>
    public static Variable<T> Reshape<T>(this Tape<T> tape, Variable<T> x, params int[] shape)
        where T : unmanaged, IFloatingPointIeee754<T>
        => tape.Record<ReshapeNode<T>>().Forward(x, shape);

    /// <summary>
    /// Views <c>(B·T, F)</c> rows as a <c>(B, T, F)</c> sequence (a view; the gradient flows back unchanged). Unlike
    /// <see cref="Reshape{T}"/> it allocates nothing once warm.
    /// </summary>
    /// <typeparam name="T">Element type.</typeparam>
    /// <param name="tape">The tape that records the operation.</param>
    /// <param name="x">Input with <c>batch · steps</c> rows.</param>
    /// <param name="batch">B.</param>
    /// <param name="steps">T.</param>
    /// <returns>The sequence view.</returns>
    public static Variable<T> Reshape3<T>(this Tape<T> tape, Variable<T> x, int batch, int steps)
        where T : unmanaged, IFloatingPointIeee754<T>
        => tape.Record<ReshapeNode<T>>().Forward(x, batch, steps);
}

/// <summary><c>y = reshape(x)</c> sharing storage; backward <c>dx += reshape⁻¹(dy)</c>.</summary>
internal sealed class ReshapeNode<T> : Node<T> where T : unmanaged, IFloatingPointIeee754<T>
{
    private Variable<T> _x = null!;
    private Variable<T>? _y;
    private Tensor<T>? _source;

    public Variable<T> Forward(Variable<T> x, int[] shape) => Bind(x, x.Value.Reshape(shape));

    public Variable<T> Forward(Variable<T> x, int batch, int steps)
    {
        int features = batch * steps == 0 ? 0 : x.Value.Length / (batch * steps);
        if (features * batch * steps != x.Value.Length)
        {
            throw new ArgumentException($"{x.Value} cannot be viewed as (B = {batch}, T = {steps}, F).", nameof(x));
        }
        if (_y is not null && ReferenceEquals(_source, x.Value) && _y.Value.HasShape([batch, steps, features])) return Bind(x, _y.Value);
        return Bind(x, x.Value.Reshape(batch, steps, features));
    }

    private Variable<T> Bind(Variable<T> x, Tensor<T> view)
    {
        _x = x;
        if (_y is null || !ReferenceEquals(_source, x.Value) || !ReferenceEquals(_y.Value, view))
        {
            _y = new Variable<T>(view);
            _source = x.Value;
        }
        _y.RequiresGrad = x.RequiresGrad;
        _y.ZeroGrad();
        Tape.Track(_y);
        return _y;
    }

    public override void Backward()
    {
        if (_y!.Grad is not { } dy || !_x.RequiresGrad) return;
        var dx = _x.GradForAccumulation().Span;
        TensorPrimitives.Add(dx, dy.Span, dx);
    }
}
