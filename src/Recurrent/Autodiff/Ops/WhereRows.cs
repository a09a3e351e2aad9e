using System.Numerics;

namespace Recurrent.Autodiff;

public static partial class Ops
{
    /// <summary>
    /// Row-wise choice <c>y[r] = keep[r] ? a[r] : b[r]</c> (<c>b</c> = 0 when null). A variable-length batch uses it to leave
    /// a finished sequence's state unchanged, and to zero its outputs, on padded steps.
    /// </summary>
    /// <typeparam name="T">Element type.</typeparam>
    /// <param name="tape">The tape that records the operation.</param>
    /// <param name="keep">For each row of <paramref name="a"/>, whether to take it.</param>
    /// <param name="a">The rows taken where <paramref name="keep"/> is true, <c>(R, F)</c>.</param>
    /// <param name="b">The rows taken elsewhere, same shape, or null for zeros.</param>
    /// <returns>The chosen rows.</returns>
    public static Variable<T> WhereRows<T>(this Tape<T> tape, ReadOnlySpan<bool> keep, Variable<T> a, Variable<T>? b)
        where T : unmanaged, IFloatingPointIeee754<T>
        => tape.Record<WhereRowsNode<T>>().Forward(keep, a, b);
}

/// <summary><c>y[r] = keep[r] ? a[r] : b[r]</c>; backward routes <c>dy[r]</c> to <c>da[r]</c> or <c>db[r]</c>.</summary>
internal sealed class WhereRowsNode<T> : Node<T> where T : unmanaged, IFloatingPointIeee754<T>
{
    private Variable<T> _a = null!, _y = null!;
    private Variable<T>? _b;
    private bool[] _keep = [];
    private int _rows, _features;

    public Variable<T> Forward(ReadOnlySpan<bool> keep, Variable<T> a, Variable<T>? b)
    {
        if (a.Value.Rank != 2) throw new ArgumentException($"a must be (R, F); got {a.Value}.", nameof(a));
        if (b is not null) Ops.CheckSameShape(a, b, "WhereRows");
        (_rows, _features) = (a.Value.Dim(0), a.Value.Dim(1));
        if (keep.Length != _rows) throw new ArgumentException($"keep has {keep.Length} entries; a has {_rows} rows.", nameof(keep));
        if (_keep.Length < _rows) _keep = new bool[_rows];
        keep.CopyTo(_keep);
        (_a, _b) = (a, b);
        _y = Output(a.RequiresGrad || (b?.RequiresGrad ?? false), _rows, _features);
        Span<T> y = _y.Value.Span;
        for (int r = 0; r < _rows; r++)
        {
            var dst = y.Slice(r * _features, _features);
            if (keep[r]) a.Value.Span.Slice(r * _features, _features).CopyTo(dst);
            else if (b is not null) b.Value.Span.Slice(r * _features, _features).CopyTo(dst);
            else dst.Clear();
        }
        return _y;
    }

    public override void Backward()
    {
        if (_y.Grad is not { } dyT) return;
        ReadOnlySpan<T> dy = dyT.Span;
        Span<T> da = _a.RequiresGrad ? _a.GradForAccumulation().Span : default;
        Span<T> db = _b is { RequiresGrad: true } ? _b.GradForAccumulation().Span : default;
        for (int r = 0; r < _rows; r++)
        {
            Span<T> target = _keep[r] ? da : db;
            if (target.IsEmpty) continue;
            var d = target.Slice(r * _features, _features);
            TensorPrimitives.Add(d, dy.Slice(r * _features, _features), d);
        }
    }
}
