using System.Numerics;
using Recurrent.Tensors;

namespace Recurrent.Autodiff;

public static partial class Ops
{
    /// <summary>
    /// Inverted dropout: each element is zeroed with probability <paramref name="p"/> and the others are scaled by
    /// <c>1/(1 − p)</c>, so evaluation needs no rescaling. A module in evaluation mode passes p = 0, and then the input
    /// passes through.
    /// </summary>
    /// <typeparam name="T">Element type.</typeparam>
    /// <param name="tape">The tape that records the operation.</param>
    /// <param name="x">Input.</param>
    /// <param name="p">Drop probability in <c>[0, 1)</c>.</param>
    /// <param name="rng">The source of the masks; null for the tape's <see cref="Tape{T}.Random"/>.</param>
    /// <returns>The masked tensor (or <paramref name="x"/> itself when p = 0).</returns>
    public static Variable<T> Dropout<T>(this Tape<T> tape, Variable<T> x, double p, Rng? rng = null)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        if (p < 0 || p >= 1) throw new ArgumentOutOfRangeException(nameof(p), $"dropout probability must be in [0, 1); got {p}.");
        if (p == 0) return x;
        return tape.Record<DropoutNode<T>>().Forward(x, p, rng ?? tape.Random);
    }
}

/// <summary><c>y = x ⊙ m</c>, <c>m ∈ {0, 1/(1−p)}</c> drawn per element; backward <c>dx += dy ⊙ m</c>.</summary>
internal sealed class DropoutNode<T> : Node<T> where T : unmanaged, IFloatingPointIeee754<T>
{
    private Variable<T> _x = null!, _y = null!;
    private T[] _mask = [];

    public Variable<T> Forward(Variable<T> x, double p, Rng rng)
    {
        _x = x;
        int n = x.Value.Length;
        if (_mask.Length < n) _mask = new T[n];
        T keep = T.CreateTruncating(1 / (1 - p));
        for (int i = 0; i < n; i++) _mask[i] = rng.NextDouble() < p ? T.Zero : keep;
        _y = OutputLike(x.RequiresGrad, x.Value);
        TensorPrimitives.Multiply(x.Value.Span, _mask.AsSpan(0, n), _y.Value.Span);
        return _y;
    }

    public override void Backward()
    {
        if (_y.Grad is not { } dy || !_x.RequiresGrad) return;
        var dx = _x.GradForAccumulation().Span;
        TensorPrimitives.MultiplyAdd(dy.Span, _mask.AsSpan(0, dx.Length), dx, dx);
    }
}
