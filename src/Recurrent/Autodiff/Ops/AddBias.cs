using System.Numerics;

namespace Recurrent.Autodiff;

public static partial class Ops
{
    /// <summary>
    /// <c>y = x + b</c> with the vector <paramref name="bias"/> added to every row of <paramref name="x"/> (broadcast over
    /// all leading dimensions).
    /// </summary>
    /// <typeparam name="T">Element type.</typeparam>
    /// <param name="tape">The tape that records the operation.</param>
    /// <param name="x">Input, <c>(…, F)</c>.</param>
    /// <param name="bias">Bias, <c>(F)</c>.</param>
    /// <returns>The sum, shaped as <paramref name="x"/>.</returns>
    public static Variable<T> AddBias<T>(this Tape<T> tape, Variable<T> x, Variable<T> bias)
        where T : unmanaged, IFloatingPointIeee754<T>
        => tape.Record<AddBiasNode<T>>().Forward(x, bias);
}

/// <summary><c>y[r, :] = x[r, :] + b</c>; backward <c>dx += dy</c>, <c>db += Σ_r dy[r, :]</c>.</summary>
internal sealed class AddBiasNode<T> : Node<T> where T : unmanaged, IFloatingPointIeee754<T>
{
    private Variable<T> _x = null!, _b = null!, _y = null!;

    public Variable<T> Forward(Variable<T> x, Variable<T> bias)
    {
        int f = x.Value.Dim(-1);
        if (bias.Value.Rank != 1 || bias.Value.Length != f)
        {
            throw new ArgumentException($"bias has shape {bias.Value}; expected ({f}) for x {x.Value}.", nameof(bias));
        }
        (_x, _b) = (x, bias);
        _y = OutputLike(x.RequiresGrad || bias.RequiresGrad, x.Value);
        ReadOnlySpan<T> xs = x.Value.Span, bs = bias.Value.Span;
        Span<T> ys = _y.Value.Span;
        for (int r = 0; r < xs.Length; r += f) TensorPrimitives.Add(xs.Slice(r, f), bs, ys.Slice(r, f));
        return _y;
    }

    public override void Backward()
    {
        if (_y.Grad is not { } dy) return;
        if (_x.RequiresGrad)
        {
            var dx = _x.GradForAccumulation();
            TensorPrimitives.Add(dx.Span, dy.Span, dx.Span);
        }
        if (_b.RequiresGrad)
        {
            Span<T> db = _b.GradForAccumulation().Span;
            ReadOnlySpan<T> g = dy.Span;
            int f = db.Length;
            for (int r = 0; r < g.Length; r += f) TensorPrimitives.Add(db, g.Slice(r, f), db);
        }
    }
}
