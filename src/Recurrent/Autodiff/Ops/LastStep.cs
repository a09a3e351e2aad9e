using System.Numerics;

namespace Recurrent.Autodiff;

public static partial class Ops
{
    /// <summary>
    /// Each sequence's own last valid step, the lecture's "último paso" read-out of an N-1 model:
    /// <c>y[b] = x[b, len_b − 1]</c> of a batch-first <c>(B, T, F)</c> tensor, <c>(B, F)</c>. With no lengths every
    /// sequence ends at step T − 1.
    /// </summary>
    /// <typeparam name="T">Element type.</typeparam>
    /// <param name="tape">The tape that records the operation.</param>
    /// <param name="x">A batch-first sequence tensor <c>(B, T, F)</c>.</param>
    /// <param name="lengths">Each sequence's length in <c>[1, T]</c>; empty when all have length T. Copied.</param>
    /// <returns>The last valid step of each sequence, a copy.</returns>
    public static Variable<T> LastStep<T>(this Tape<T> tape, Variable<T> x, ReadOnlySpan<int> lengths = default)
        where T : unmanaged, IFloatingPointIeee754<T>
        => tape.Record<LastStepNode<T>>().Forward(x, lengths);

    /// <summary>Checks that <paramref name="lengths"/> has one entry in <c>[1, steps]</c> per sequence (or is empty).</summary>
    internal static void CheckLengths(ReadOnlySpan<int> lengths, int batch, int steps)
    {
        if (lengths.IsEmpty) return;
        if (lengths.Length != batch) throw new ArgumentException($"lengths has {lengths.Length} entries; expected one per sequence, B = {batch}.", nameof(lengths));
        for (int b = 0; b < batch; b++)
        {
            if (lengths[b] < 1 || lengths[b] > steps) throw new ArgumentException($"lengths[{b}] = {lengths[b]} is outside [1, T = {steps}].", nameof(lengths));
        }
    }
}

/// <summary><c>y[b] = x[b, len_b − 1]</c>; backward adds <c>dy[b]</c> back at that step of <c>dx</c>.</summary>
internal sealed class LastStepNode<T> : Node<T> where T : unmanaged, IFloatingPointIeee754<T>
{
    private Variable<T> _x = null!, _y = null!;
    private int[] _last = [];
    private int _batch, _steps, _features;

    public Variable<T> Forward(Variable<T> x, ReadOnlySpan<int> lengths)
    {
        if (x.Value.Rank != 3) throw new ArgumentException($"x must be a batch-first (B, T, F) sequence; got {x.Value}.", nameof(x));
        (_x, _batch, _steps, _features) = (x, x.Value.Dim(0), x.Value.Dim(1), x.Value.Dim(2));
        Ops.CheckLengths(lengths, _batch, _steps);
        if (_last.Length < _batch) _last = new int[_batch];
        for (int b = 0; b < _batch; b++) _last[b] = (lengths.IsEmpty ? _steps : lengths[b]) - 1;
        _y = Output(x.RequiresGrad, _batch, _features);
        ReadOnlySpan<T> src = x.Value.Span;
        Span<T> dst = _y.Value.Span;
        for (int b = 0; b < _batch; b++) src.Slice(Row(b), _features).CopyTo(dst.Slice(b * _features, _features));
        return _y;
    }

    private int Row(int b) => (b * _steps + _last[b]) * _features;

    public override void Backward()
    {
        if (_y.Grad is not { } dyT || !_x.RequiresGrad) return;
        Span<T> dx = _x.GradForAccumulation().Span;
        ReadOnlySpan<T> dy = dyT.Span;
        for (int b = 0; b < _batch; b++)
        {
            var d = dx.Slice(Row(b), _features);
            TensorPrimitives.Add(d, dy.Slice(b * _features, _features), d);
        }
    }
}
