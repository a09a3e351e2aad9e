using System.Numerics;
using Recurrent.Tensors;

namespace Recurrent.Autodiff;

public static partial class Ops
{
    /// <summary>
    /// Entries <c>[start, start + count)</c> of the first axis, as a view (nothing is copied): one gate's block of rows of
    /// a stacked weight such as <c>weight_hh</c>.
    /// </summary>
    /// <typeparam name="T">Element type.</typeparam>
    /// <param name="tape">The tape that records the operation.</param>
    /// <param name="x">Input.</param>
    /// <param name="start">First row.</param>
    /// <param name="count">Number of rows.</param>
    /// <returns>The block.</returns>
    public static Variable<T> Rows<T>(this Tape<T> tape, Variable<T> x, int start, int count)
        where T : unmanaged, IFloatingPointIeee754<T>
        => tape.Record<RowsNode<T>>().Forward(x, start, count);
}

/// <summary><c>y = x[start : start + count]</c> sharing storage; backward adds <c>dy</c> into that block of <c>dx</c>.</summary>
internal sealed class RowsNode<T> : Node<T> where T : unmanaged, IFloatingPointIeee754<T>
{
    private Variable<T> _x = null!;
    private Variable<T>? _y;
    private Tensor<T>? _source;
    private int _start, _count;

    public Variable<T> Forward(Variable<T> x, int start, int count)
    {
        _x = x;
        if (_y is null || !ReferenceEquals(_source, x.Value) || _start != start || _count != count)
        {
            _y = new Variable<T>(x.Value.Rows(start, count));
            (_source, _start, _count) = (x.Value, start, count);
        }
        _y.RequiresGrad = x.RequiresGrad;
        _y.ZeroGrad();
        Tape.Track(_y);
        return _y;
    }

    public override void Backward()
    {
        if (_y!.Grad is not { } dy || !_x.RequiresGrad) return;
        int inner = _x.Value.Dim(0) == 0 ? 0 : _x.Value.Length / _x.Value.Dim(0);
        var dx = _x.GradForAccumulation().Span.Slice(_start * inner, _count * inner);
        TensorPrimitives.Add(dx, dy.Span, dx);
    }
}
