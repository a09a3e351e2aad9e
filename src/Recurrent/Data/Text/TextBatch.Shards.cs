using Recurrent.Autodiff;
using Recurrent.Tensors;

namespace Recurrent.Data.Text;

/// <summary>Shards of a batch of windows, for data-parallel training, with the carried state of truncated BPTT split and gathered by rows.</summary>
public sealed partial class TextBatch : IShardCarry
{
    // On a whole batch: its shard (reused) and the whole batch's final state, gathered from its shards, (L·D, B, H) each.
    private TextBatch? _shard;
    private Variable<float>[]? _gathered;

    // On a shard: the batch it was cut from, its first row there, its rows of the initial state (L·D, rows, H) each,
    // and whether the model handed its final state back in this step.
    private TextBatch? _parent;
    private int _firstRow;
    private Variable<float>[]? _initial;
    private bool _handedBack;

    /// <summary>
    /// The windows <c>[i·B/n, (i+1)·B/n)</c>, copied into a batch of their own that starts from those rows of
    /// <see cref="InitialState"/>; the final state the model hands to the shard goes back to the same rows of this batch.
    /// Its <see cref="Count"/> is its targets that are not padding.
    /// </summary>
    /// <param name="index">i, in <c>[0, n)</c>.</param>
    /// <param name="count">n, in <c>[1, B]</c>.</param>
    /// <returns>The shard, valid until the next call.</returns>
    public TextBatch Shard(int index, int count)
    {
        var (first, rows) = ShardRows.Of(Rows, index, count);
        var shard = _shard is { } cached && cached.Rows == rows ? cached : _shard = new TextBatch(rows, Steps) { _parent = this };
        (shard._firstRow, shard._handedBack, shard._final) = (first, false, null);
        Inputs.AsSpan(first * Steps, rows * Steps).CopyTo(shard.Inputs);
        Targets.AsSpan(first * Steps, rows * Steps).CopyTo(shard.Targets);
        int valid = 0;
        foreach (int target in shard.Targets) valid += target >= 0 ? 1 : 0;
        shard.Count = valid;
        shard.InitialState = InitialState is null ? null : shard.TakeRows(InitialState);
        return shard;
    }

    /// <summary>This shard's rows of the whole batch's state, <c>(L·D, B, H) → (L·D, rows, H)</c> each, into tensors the shard keeps.</summary>
    private Variable<float>[] TakeRows(IReadOnlyList<Variable<float>> whole)
    {
        if (_initial is null || _initial.Length != whole.Count) _initial = new Variable<float>[whole.Count];
        for (int c = 0; c < whole.Count; c++)
        {
            var source = whole[c].Value;
            CheckState(source, _parent!.Rows, "the batch's initial state", c);
            int layers = source.Dim(0), hidden = source.Dim(2);
            if (_initial[c] is not { } own || own.Value.Dim(0) != layers || own.Value.Dim(2) != hidden)
            {
                _initial[c] = own = new Variable<float>(new Tensor<float>(layers, Rows, hidden));
            }
            CopyRows(source.Span, _parent.Rows, _firstRow, own.Value.Span, Rows, 0, Rows, layers, hidden);
        }
        return _initial;
    }

    /// <summary>Copies a shard's final state into its rows of the whole batch's, which becomes the batch's final state.</summary>
    private void GiveBackRows(IReadOnlyList<Variable<float>> final)
    {
        var parent = _parent!;
        ref var gathered = ref parent._gathered;
        if (gathered is null || gathered.Length != final.Count) gathered = new Variable<float>[final.Count];
        for (int c = 0; c < final.Count; c++)
        {
            var source = final[c].Value;
            CheckState(source, Rows, "the final state handed to a shard", c);
            int layers = source.Dim(0), hidden = source.Dim(2);
            if (gathered[c] is not { } whole || whole.Value.Dim(0) != layers || whole.Value.Dim(2) != hidden)
            {
                gathered[c] = whole = new Variable<float>(new Tensor<float>(layers, parent.Rows, hidden));
            }
            CopyRows(source.Span, Rows, 0, whole.Value.Span, parent.Rows, _firstRow, Rows, layers, hidden);
        }
        parent._final = gathered;
        _handedBack = true;
    }

    /// <inheritdoc/>
    int IShardCarry.CarryLength
    {
        get
        {
            if (!_handedBack || _parent?._gathered is not { } gathered) return 0;
            int length = 0;
            foreach (var state in gathered) length += state.Value.Length;
            return length;
        }
    }

    /// <inheritdoc/>
    void IShardCarry.WriteCarry(Span<float> destination)
    {
        var parent = _parent!;
        int offset = 0;
        foreach (var state in parent._gathered!)
        {
            var whole = state.Value;                              // (L·D, B, H)
            var part = destination.Slice(offset, whole.Length);
            part.Clear();
            CopyRows(whole.Span, parent.Rows, _firstRow, part, parent.Rows, _firstRow, Rows, whole.Dim(0), whole.Dim(2));
            offset += whole.Length;
        }
    }

    /// <inheritdoc/>
    void IShardCarry.ReadCarry(ReadOnlySpan<float> source)
    {
        var parent = _parent!;
        int offset = 0;
        foreach (var state in parent._gathered!)
        {
            source.Slice(offset, state.Value.Length).CopyTo(state.Value.Span);
            offset += state.Value.Length;
        }
        parent._final = parent._gathered;
    }

    /// <summary>Copies rows <c>[from, from + rows)</c> of a <c>(L, B₁, H)</c> state into rows <c>[to, to + rows)</c> of a <c>(L, B₂, H)</c> one.</summary>
    private static void CopyRows(ReadOnlySpan<float> source, int sourceRows, int from, Span<float> destination, int destinationRows, int to, int rows, int layers, int hidden)
    {
        for (int l = 0; l < layers; l++)
        {
            source.Slice((l * sourceRows + from) * hidden, rows * hidden).CopyTo(destination.Slice((l * destinationRows + to) * hidden, rows * hidden));
        }
    }

    private static void CheckState(Tensor<float> state, int rows, string what, int index)
    {
        if (state.Rank != 3 || state.Dim(1) != rows)
        {
            throw new InvalidOperationException($"State tensor {index} of {what} is {Tensor<float>.ShapeText(state.Shape)}; expected (L·D, {rows}, H), one row per window.");
        }
    }
}
