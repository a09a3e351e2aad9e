using System.Numerics;

namespace Recurrent.Autodiff;

public static partial class Ops
{
    /// <summary>The sum of all elements, a scalar.</summary>
    /// <typeparam name="T">Element type.</typeparam>
    /// <param name="tape">The tape that records the operation.</param>
    /// <param name="x">Input.</param>
    /// <returns>The scalar sum.</returns>
    public static Variable<T> Sum<T>(this Tape<T> tape, Variable<T> x)
        where T : unmanaged, IFloatingPointIeee754<T>
        => tape.Record<SumNode<T>>().Forward(x, mean: false);

    /// <summary>The mean of all elements, a scalar.</summary>
    /// <typeparam name="T">Element type.</typeparam>
    /// <param name="tape">The tape that records the operation.</param>
    /// <param name="x">Input.</param>
    /// <returns>The scalar mean.</returns>
    public static Variable<T> Mean<T>(this Tape<T> tape, Variable<T> x)
        where T : unmanaged, IFloatingPointIeee754<T>
        => tape.Record<SumNode<T>>().Forward(x, mean: true);
}

/// <summary><c>y = c·Σᵢ xᵢ</c> with c = 1 (sum) or 1/n (mean); backward <c>dx += c·dy</c>.</summary>
internal sealed class SumNode<T> : Node<T> where T : unmanaged, IFloatingPointIeee754<T>
{
    private Variable<T> _x = null!;
    private Variable<T>? _y;
    private T _scale;

    public Variable<T> Forward(Variable<T> x, bool mean)
    {
        _x = x;
        _scale = mean && x.Value.Length > 0 ? T.One / T.CreateTruncating(x.Value.Length) : T.One;
        var y = Output(ref _y, x.RequiresGrad, 0, 0, 0, 0, 0);
        y.Value[0] = _scale * TensorPrimitives.Sum<T>(x.Value.Span);
        return y;
    }

    public override void Backward()
    {
        if (_y!.Grad is not { } dy || !_x.RequiresGrad) return;
        var dx = _x.GradForAccumulation().Span;
        TensorPrimitives.Add(dx, _scale * dy[0], dx);
    }
}
