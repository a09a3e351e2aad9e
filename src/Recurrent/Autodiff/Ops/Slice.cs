using System.Numerics;

namespace Recurrent.Autodiff;

public static partial class Ops
{
    /// <summary>
    /// Columns <c>[start, start + length)</c> of the last (feature) axis: <c>(…, F) → (…, length)</c>. Splits a fused
    /// gate pre-activation into its gates.
    /// </summary>
    /// <typeparam name="T">Element type.</typeparam>
    /// <param name="tape">The tape that records the operation.</param>
    /// <param name="x">Input.</param>
    /// <param name="start">First feature taken.</param>
    /// <param name="length">Number of features taken.</param>
    /// <returns>The slice, a copy.</returns>
    public static Variable<T> Slice<T>(this Tape<T> tape, Variable<T> x, int start, int length)
        where T : unmanaged, IFloatingPointIeee754<T>
        => tape.Record<SliceNode<T>>().Forward(x, start, length);
}

/// <summary><c>y[r] = x[r, start : start + length]</c>; backward adds <c>dy[r]</c> into that window of <c>dx[r]</c>.</summary>
internal sealed class SliceNode<T> : Node<T> where T : unmanaged, IFloatingPointIeee754<T>
{
    private Variable<T> _x = null!, _y = null!;
    private int _start, _length, _width, _rows;

    public Variable<T> Forward(Variable<T> x, int start, int length)
    {
        int width = x.Value.Dim(-1);
        if (start < 0 || length < 0 || start + length > width)
        {
            throw new ArgumentOutOfRangeException(nameof(start), $"features [{start}, {start + length}) are outside the {width} of {x.Value}.");
        }
        (_x, _start, _length, _width) = (x, start, length, width);
        _rows = width == 0 ? 0 : x.Value.Length / width;
        _y = x.Value.Rank switch
        {
            1 => Output(x.RequiresGrad, length),
            2 => Output(x.RequiresGrad, x.Value.Dim(0), length),
            3 => Output(x.RequiresGrad, x.Value.Dim(0), x.Value.Dim(1), length),
            _ => throw new ArgumentException($"Slice supports ranks 1 to 3; got {x.Value}.", nameof(x)),
        };
        ReadOnlySpan<T> src = x.Value.Span;
        Span<T> dst = _y.Value.Span;
        for (int r = 0; r < _rows; r++) src.Slice(r * width + start, length).CopyTo(dst.Slice(r * length, length));
        return _y;
    }

    public override void Backward()
    {
        if (_y.Grad is not { } dyT || !_x.RequiresGrad) return;
        ReadOnlySpan<T> dy = dyT.Span;
        Span<T> dx = _x.GradForAccumulation().Span;
        for (int r = 0; r < _rows; r++)
        {
            var d = dx.Slice(r * _width + _start, _length);
            TensorPrimitives.Add(d, dy.Slice(r * _length, _length), d);
        }
    }
}
