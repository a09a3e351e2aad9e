using Recurrent.Data;
using Recurrent.Tensors;

namespace Recurrent.Cli.Tasks;

/// <summary>
/// A padded batch of a task's samples, with what its loss needs: classes, tags, target sequences or values. For
/// data-parallel training, <see cref="Shard"/> hands out a contiguous share of its rows, padded to the same steps.
/// </summary>
internal sealed class TaskBatch : IBatch, IShardable<TaskBatch>
{
    private readonly Dictionary<(int Rows, int Steps, int Outputs), TaskBatch> _shards = [];

    /// <summary>Inputs <c>(B, T, F)</c>, zero past each length; symbol ids stored as numbers (F = 1).</summary>
    public Tensor<float> Inputs { get; set; } = new(1, 1, 1);

    /// <summary>Each sample's length.</summary>
    public int[] Lengths { get; set; } = [];

    /// <summary>Classify: B classes. Tag: B·T tags, −1 past each length.</summary>
    public int[] Labels { get; set; } = [];

    /// <summary>Seq2seq: the source ids <c>(B, T)</c>.</summary>
    public int[] SourceIds { get; set; } = [];

    /// <summary>Seq2seq: the decoder's inputs and targets.</summary>
    public DecoderSequences? Targets { get; set; }

    /// <summary>Forecast: the values to predict <c>(B, horizon · targets)</c>, standardised.</summary>
    public Tensor<float>? Values { get; set; }

    /// <summary>The samples' indices in their data set.</summary>
    public int[] Indices { get; set; } = [];

    public int Count => Indices.Length;

    /// <summary>
    /// Rows [index·B/count, (index+1)·B/count) of this batch, with the same padded steps (so a shard's loss terms are
    /// the global batch's); valid until the next call. Shards differ by at most one row; none is empty.
    /// </summary>
    public TaskBatch Shard(int index, int count)
    {
        int b = Count;
        if (count < 1 || count > b || (uint)index >= (uint)count)
        {
            throw new ArgumentOutOfRangeException(nameof(index), $"shard {index} of {count}: expected 0 ≤ index < count ≤ {b}, the batch's rows.");
        }
        int first = (int)((long)index * b / count), rows = (int)((long)(index + 1) * b / count) - first;
        int steps = Inputs.Shape[1], f = Inputs.Shape[2], outputs = Targets?.MaxTokens ?? (Values?.Shape[1] ?? 1);
        var key = (rows, steps, outputs);
        if (!_shards.TryGetValue(key, out var shard))
        {
            shard = new TaskBatch
            {
                Inputs = new Tensor<float>(rows, steps, f),
                Lengths = new int[rows],
                Labels = Labels.Length == 0 ? [] : new int[Labels.Length / b * rows],
                SourceIds = SourceIds.Length == 0 ? [] : new int[rows * steps],
                Targets = Targets is null ? null : new DecoderSequences(rows, outputs),
                Values = Values is null ? null : new Tensor<float>(rows, outputs),
            };
            _shards.Add(key, shard);
        }
        Inputs.Span.Slice(first * steps * f, rows * steps * f).CopyTo(shard.Inputs.Span);
        Lengths.AsSpan(first, rows).CopyTo(shard.Lengths);
        int labelsPerRow = Labels.Length / b;
        Labels.AsSpan(first * labelsPerRow, rows * labelsPerRow).CopyTo(shard.Labels);
        SourceIds.AsSpan(first * (SourceIds.Length / b), shard.SourceIds.Length).CopyTo(shard.SourceIds);
        if (Targets is { } t)
        {
            t.Inputs.AsSpan(first * t.Steps, rows * t.Steps).CopyTo(shard.Targets!.Inputs);
            t.Targets.AsSpan(first * t.Steps, rows * t.Steps).CopyTo(shard.Targets.Targets);
            t.Lengths.AsSpan(first, rows).CopyTo(shard.Targets.Lengths);
        }
        Values?.Span.Slice(first * outputs, rows * outputs).CopyTo(shard.Values!.Span);
        shard.Indices = Indices[first..(first + rows)];
        return shard;
    }
}
