using System.Diagnostics.CodeAnalysis;
using Recurrent.Tensors;

namespace Recurrent.Data;

/// <summary>
/// Labelled sequences held in memory, read in batches: reshuffled at every pass when training, in order when
/// evaluating. The last batch of a pass holds what is left.
/// </summary>
public sealed class SequenceData : IBatchSource<SequenceBatch>, IResumable
{
    private readonly Tensor<float> _inputs;
    private readonly int[] _labels, _lengths, _order;
    private readonly Rng? _shuffle;
    private readonly int _batchSize;
    private SequenceBatch? _full, _last;
    private int _next;

    /// <summary>Wraps <paramref name="inputs"/> (not copied) and their labels.</summary>
    /// <param name="inputs">N sequences of T steps of I features, <c>(N, T, I)</c>.</param>
    /// <param name="labels">The class of each sequence, N of them.</param>
    /// <param name="batchSize">B, sequences per batch.</param>
    /// <param name="shuffle">Whether each pass visits the sequences in a new random order (training) or in order.</param>
    /// <param name="seed">The shuffle's seed.</param>
    /// <param name="lengths">Each sequence's length in <c>[1, T]</c>; null when all have length T.</param>
    public SequenceData(Tensor<float> inputs, int[] labels, int batchSize, bool shuffle = true, ulong seed = 1, int[]? lengths = null)
    {
        ArgumentNullException.ThrowIfNull(inputs);
        ArgumentNullException.ThrowIfNull(labels);
        if (inputs.Rank != 3) throw new ArgumentException($"inputs must be (N, T, I); got {Tensor<float>.ShapeText(inputs.Shape)}.", nameof(inputs));
        int n = inputs.Dim(0), steps = inputs.Dim(1);
        if (n == 0) throw new ArgumentException("inputs holds no sequence.", nameof(inputs));
        if (labels.Length != n) throw new ArgumentException($"labels has {labels.Length} entries; expected one per sequence, N = {n}.", nameof(labels));
        if (batchSize < 1) throw new ArgumentOutOfRangeException(nameof(batchSize), $"batchSize must be positive; got {batchSize}.");
        if (lengths is not null && lengths.Length != n) throw new ArgumentException($"lengths has {lengths.Length} entries; expected N = {n}.", nameof(lengths));
        for (int i = 0; lengths is not null && i < n; i++)
        {
            if (lengths[i] < 1 || lengths[i] > steps) throw new ArgumentException($"lengths[{i}] = {lengths[i]} is outside [1, T = {steps}].", nameof(lengths));
        }
        (_inputs, _labels, _batchSize) = (inputs, labels, Math.Min(batchSize, n));
        _lengths = lengths ?? Enumerable.Repeat(steps, n).ToArray();
        _order = Enumerable.Range(0, n).ToArray();
        _shuffle = shuffle ? new Rng(seed) : null;
        Shuffle();
    }

    /// <summary>N, the sequences.</summary>
    public int Count => _labels.Length;

    /// <inheritdoc/>
    public int? BatchesPerPass => (Count + _batchSize - 1) / _batchSize;

    /// <summary>The next batch of the pass; false (and a new order) when every sequence has been read.</summary>
    /// <param name="batch">The sequences, in a batch object reused from call to call.</param>
    /// <returns>Whether a batch was produced.</returns>
    public bool TryNext([MaybeNullWhen(false)] out SequenceBatch batch)
    {
        if (_next == Count)
        {
            _next = 0;
            Shuffle();
            batch = null;
            return false;
        }
        int rows = Math.Min(_batchSize, Count - _next);
        int steps = _inputs.Dim(1), features = _inputs.Dim(2), row = steps * features;
        batch = rows == _batchSize ? _full ??= new SequenceBatch(rows, steps, features) : _last ??= new SequenceBatch(rows, steps, features);
        var source = _inputs.Span;
        var destination = batch.Inputs.Span;
        for (int b = 0; b < rows; b++)
        {
            int i = _order[_next + b];
            source.Slice(i * row, row).CopyTo(destination.Slice(b * row, row));
            batch.Labels[b] = _labels[i];
            batch.Lengths[b] = _lengths[i];
        }
        _next += rows;
        return true;
    }

    private void Shuffle()
    {
        if (_shuffle is null) return;
        for (int i = _order.Length - 1; i > 0; i--)
        {
            int j = _shuffle.Next(i + 1);
            (_order[i], _order[j]) = (_order[j], _order[i]);
        }
    }

    /// <inheritdoc/>
    public void SaveState(TrainingState state)
    {
        ArgumentNullException.ThrowIfNull(state);
        state.Set("data.next", _next);
        state.Values["data.order"] = string.Join(' ', _order);
        if (_shuffle is not null) state.Set("data.shuffle", _shuffle);
    }

    /// <inheritdoc/>
    public void LoadState(TrainingState state)
    {
        ArgumentNullException.ThrowIfNull(state);
        long next = state.GetInt64("data.next");
        if (next < 0 || next > Count) throw new InvalidDataException($"training state 'data.next' is {next}; expected a position in [0, {Count}].");
        string[] order = (state.Values.GetValueOrDefault("data.order") ?? "").Split(' ', StringSplitOptions.RemoveEmptyEntries);
        if (order.Length != _order.Length) throw new InvalidDataException($"training state 'data.order' has {order.Length} entries; this data has {_order.Length} sequences.");
        // Checked in full before anything changes: the order must be a permutation of 0 … N − 1.
        var parsed = new int[order.Length];
        var seen = new bool[order.Length];
        for (int i = 0; i < order.Length; i++)
        {
            if (!int.TryParse(order[i], System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out parsed[i]) || parsed[i] >= Count || seen[parsed[i]])
            {
                throw new InvalidDataException($"training state 'data.order' entry {i} is '{order[i]}'; expected a permutation of the sequence indices 0 … {Count - 1}.".ReplaceLineEndings(" "));
            }
            seen[parsed[i]] = true;
        }
        if (_shuffle is not null) state.Restore("data.shuffle", _shuffle);
        parsed.CopyTo(_order, 0);
        _next = (int)next;
    }
}
