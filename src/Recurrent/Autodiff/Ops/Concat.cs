using System.Numerics;

namespace Recurrent.Autodiff;

public static partial class Ops
{
    /// <summary>
    /// Concatenation along the last (feature) axis, the lecture's <c>[h[t], x[t+1]]</c>: tensors with equal leading
    /// dimensions, <c>(…, F₁), (…, F₂), … → (…, F₁ + F₂ + …)</c>.
    /// </summary>
    /// <typeparam name="T">Element type.</typeparam>
    /// <param name="tape">The tape that records the operation.</param>
    /// <param name="parts">The tensors, in order.</param>
    /// <returns>The concatenation.</returns>
    public static Variable<T> Concat<T>(this Tape<T> tape, params ReadOnlySpan<Variable<T>> parts)
        where T : unmanaged, IFloatingPointIeee754<T>
        => tape.Record<ConcatNode<T>>().Forward(parts);
}

/// <summary><c>y[r] = [x₁[r], x₂[r], …]</c>; backward slices <c>dy[r]</c> back into each <c>dxᵢ[r]</c>.</summary>
internal sealed class ConcatNode<T> : Node<T> where T : unmanaged, IFloatingPointIeee754<T>
{
    private readonly List<Variable<T>> _parts = [];
    private Variable<T> _y = null!;
    private int _rows, _width;

    public Variable<T> Forward(ReadOnlySpan<Variable<T>> parts)
    {
        if (parts.Length == 0) throw new ArgumentException("Concat needs at least one tensor.", nameof(parts));
        var first = parts[0].Value;
        int rows = first.Dim(-1) == 0 ? 0 : first.Length / first.Dim(-1);
        int width = 0;
        bool grad = false;
        _parts.Clear();
        foreach (var p in parts)
        {
            var v = p.Value;
            if (v.Rank != first.Rank || !v.Shape[..^1].SequenceEqual(first.Shape[..^1]))
            {
                throw new ArgumentException($"Concat needs equal leading dimensions; got {first} and {v}.", nameof(parts));
            }
            width += v.Dim(-1);
            grad |= p.RequiresGrad;
            _parts.Add(p);
        }
        (_rows, _width) = (rows, width);
        _y = first.Rank switch
        {
            1 => Output(grad, width),
            2 => Output(grad, first.Dim(0), width),
            3 => Output(grad, first.Dim(0), first.Dim(1), width),
            _ => throw new ArgumentException($"Concat supports ranks 1 to 3; got {first}.", nameof(parts)),
        };
        Span<T> y = _y.Value.Span;
        int offset = 0;
        foreach (var p in _parts)
        {
            int f = p.Value.Dim(-1);
            ReadOnlySpan<T> x = p.Value.Span;
            for (int r = 0; r < rows; r++) x.Slice(r * f, f).CopyTo(y.Slice(r * width + offset, f));
            offset += f;
        }
        return _y;
    }

    public override void Backward()
    {
        if (_y.Grad is not { } dyT) return;
        ReadOnlySpan<T> dy = dyT.Span;
        int offset = 0;
        foreach (var p in _parts)
        {
            int f = p.Value.Dim(-1);
            if (p.RequiresGrad)
            {
                Span<T> dx = p.GradForAccumulation().Span;
                for (int r = 0; r < _rows; r++)
                {
                    var d = dx.Slice(r * f, f);
                    TensorPrimitives.Add(d, dy.Slice(r * _width + offset, f), d);
                }
            }
            offset += f;
        }
    }
}
