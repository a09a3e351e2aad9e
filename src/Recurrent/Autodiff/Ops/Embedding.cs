using System.Numerics;

namespace Recurrent.Autodiff;

public static partial class Ops
{
    /// <summary>
    /// Embedding lookup: row <c>ids[n]</c> of <paramref name="weight"/> for each id, <c>(V, E), (N) → (N, E)</c>.
    /// Equivalent to multiplying one-hot vectors by the weight, without building them.
    /// </summary>
    /// <typeparam name="T">Element type.</typeparam>
    /// <param name="tape">The tape that records the operation.</param>
    /// <param name="weight">The table, <c>(V, E)</c>.</param>
    /// <param name="ids">Indices in <c>[0, V)</c>; copied, so the caller may reuse the span.</param>
    /// <returns>The looked-up rows.</returns>
    public static Variable<T> Embedding<T>(this Tape<T> tape, Variable<T> weight, ReadOnlySpan<int> ids)
        where T : unmanaged, IFloatingPointIeee754<T>
        => tape.Record<EmbeddingNode<T>>().Forward(weight, ids);
}

/// <summary><c>y[n] = W[ids[n]]</c>; backward <c>dW[ids[n]] += dy[n]</c> (a scatter-add: repeated ids accumulate).</summary>
internal sealed class EmbeddingNode<T> : Node<T> where T : unmanaged, IFloatingPointIeee754<T>
{
    private Variable<T> _w = null!, _y = null!;
    private int[] _ids = [];
    private int _count;

    public Variable<T> Forward(Variable<T> weight, ReadOnlySpan<int> ids)
    {
        if (weight.Value.Rank != 2) throw new ArgumentException($"weight must be (V, E); got {weight.Value}.", nameof(weight));
        int v = weight.Value.Dim(0), e = weight.Value.Dim(1);
        if (_ids.Length < ids.Length) _ids = new int[ids.Length];
        for (int n = 0; n < ids.Length; n++)
        {
            if ((uint)ids[n] >= (uint)v)
            {
                throw new ArgumentOutOfRangeException(nameof(ids), $"id {ids[n]} at position {n} is outside the vocabulary [0, {v}).");
            }
            _ids[n] = ids[n];
        }
        (_w, _count) = (weight, ids.Length);
        _y = Output(weight.RequiresGrad, ids.Length, e);
        ReadOnlySpan<T> w = weight.Value.Span;
        Span<T> y = _y.Value.Span;
        for (int n = 0; n < ids.Length; n++) w.Slice(ids[n] * e, e).CopyTo(y.Slice(n * e, e));
        return _y;
    }

    public override void Backward()
    {
        if (_y.Grad is not { } dyT || !_w.RequiresGrad) return;
        int e = _w.Value.Dim(1);
        Span<T> dw = _w.GradForAccumulation().Span;
        ReadOnlySpan<T> dy = dyT.Span;
        for (int n = 0; n < _count; n++)
        {
            var row = dw.Slice(_ids[n] * e, e);
            TensorPrimitives.Add(row, dy.Slice(n * e, e), row);
        }
    }
}
