using Recurrent.Tensors;

namespace Recurrent.Data;

/// <summary>
/// B labelled sequences of T steps of I features, <c>(B, T, I)</c>, with one class per sequence (N-1) and each
/// sequence's length (steps past it are padding).
/// </summary>
/// <remarks>A shard (<see cref="Shard"/>) copies its rows into a batch object of its own, reused from call to call.</remarks>
public sealed class SequenceBatch : IBatch, IShardable<SequenceBatch>
{
    private SequenceBatch? _shard;

    /// <summary>Creates a batch with room for <paramref name="rows"/> sequences.</summary>
    /// <param name="rows">B.</param>
    /// <param name="steps">T.</param>
    /// <param name="features">I.</param>
    public SequenceBatch(int rows, int steps, int features)
    {
        Inputs = new Tensor<float>(rows, steps, features);
        Labels = new int[rows];
        Lengths = new int[rows];
    }

    /// <summary>The sequences, <c>(B, T, I)</c>.</summary>
    public Tensor<float> Inputs { get; }

    /// <summary>The class of each sequence.</summary>
    public int[] Labels { get; }

    /// <summary>The length of each sequence, in <c>[1, T]</c>.</summary>
    public int[] Lengths { get; }

    /// <summary>
    /// <see cref="Lengths"/> when some sequence is shorter than T, empty otherwise: full-length batches then take the
    /// recurrent layers' path without masking.
    /// </summary>
    internal ReadOnlySpan<int> VariableLengths
    {
        get
        {
            int steps = Inputs.Dim(1);
            foreach (int length in Lengths)
            {
                if (length != steps) return Lengths;
            }
            return default;
        }
    }

    /// <summary>B: the loss is a mean over the sequences.</summary>
    public int Count => Labels.Length;

    /// <summary>The sequences <c>[i·B/n, (i+1)·B/n)</c>, their labels and lengths, copied into a batch of their own.</summary>
    /// <param name="index">i, in <c>[0, n)</c>.</param>
    /// <param name="count">n, in <c>[1, B]</c>.</param>
    /// <returns>The shard, valid until the next call.</returns>
    public SequenceBatch Shard(int index, int count)
    {
        var (first, rows) = ShardRows.Of(Count, index, count);
        int steps = Inputs.Dim(1), features = Inputs.Dim(2), row = steps * features;
        var shard = _shard is { } cached && cached.Count == rows ? cached : _shard = new SequenceBatch(rows, steps, features);
        Inputs.Span.Slice(first * row, rows * row).CopyTo(shard.Inputs.Span);   // (rows, T, I): the rows are contiguous
        Labels.AsSpan(first, rows).CopyTo(shard.Labels);
        Lengths.AsSpan(first, rows).CopyTo(shard.Lengths);
        return shard;
    }
}
