using System.Diagnostics.CodeAnalysis;
using Recurrent.Data;
using Recurrent.Tensors;

namespace Recurrent.Cli.Tasks;

/// <summary>
/// Hands out the padded batches of a <see cref="TaskData"/>, pass after pass. When shuffling, each pass draws a new
/// order, then sorts runs of 32 batches' worth of samples by length and shuffles the batches made from them
/// ("bucketing"), so that a batch pads little while the order stays random. A checkpoint keeps the generator's state
/// at the start of the pass and the position in it, so a resumed run draws the batches it would have drawn.
/// </summary>
internal sealed class TaskBatches : IBatchSource<TaskBatch>, IResumable
{
    private const int BucketBatches = 32;
    private readonly TaskData _data;
    private readonly int _batchSize;
    private readonly Rng? _rng;
    private readonly List<int[]> _batches = [];
    private readonly Rng _passStart = new(0);
    private int _position;

    public TaskBatches(TaskData data, int batchSize, Rng? shuffle)
    {
        _data = data;
        _batchSize = batchSize;
        _rng = shuffle;
        Plan();
    }

    public int? BatchesPerPass => _batches.Count;

    public bool TryNext([MaybeNullWhen(false)] out TaskBatch batch)
    {
        if (_position == _batches.Count)
        {
            _position = 0;
            if (_rng is not null) Plan();
            batch = null;
            return false;
        }
        batch = Fill(_data, _batches[_position++]);
        return true;
    }

    /// <summary>The batch of the given samples, padded to the longest.</summary>
    public static TaskBatch Fill(TaskData data, int[] indices)
    {
        int b = indices.Length, f = data.Features, steps = indices.Max(i => data.Inputs[i].Length / f);
        var batch = new TaskBatch { Indices = indices, Inputs = new Tensor<float>(b, steps, f), Lengths = new int[b] };
        var x = batch.Inputs.Span;
        for (int r = 0; r < b; r++)
        {
            var sample = data.Inputs[indices[r]];
            sample.CopyTo(x.Slice(r * steps * f));
            batch.Lengths[r] = sample.Length / f;
        }
        switch (data.Schema.Task)
        {
            case "classify":
                batch.Labels = [.. indices.Select(i => data.Labels[i])];
                break;
            case "tag":
                batch.Labels = new int[b * steps];
                Array.Fill(batch.Labels, -1);
                for (int r = 0; r < b; r++)
                {
                    var tags = data.Tags[indices[r]];
                    tags.CopyTo(batch.Labels, r * steps);
                }
                break;
            case "seq2seq":
                batch.SourceIds = new int[b * steps];
                for (int r = 0; r < b; r++)
                {
                    var s = data.Inputs[indices[r]];
                    for (int t = 0; t < s.Length; t++) batch.SourceIds[r * steps + t] = (int)s[t];
                }
                int longest = Math.Max(1, indices.Max(i => data.Targets[i].Length));
                batch.Targets = new DecoderSequences(b, longest);
                for (int r = 0; r < b; r++) batch.Targets.SetRow(r, data.Targets[indices[r]]);
                break;
            case "forecast":
                int outputs = data.Values[indices[0]].Length;
                batch.Values = new Tensor<float>(b, outputs);
                for (int r = 0; r < b; r++) data.Values[indices[r]].CopyTo(batch.Values.Span.Slice(r * outputs));
                break;
        }
        return batch;
    }

    public void SaveState(TrainingState state)
    {
        state.Set("data.position", _position);
        if (_rng is not null) state.Set("data.pass_start", _passStart);
    }

    public void LoadState(TrainingState state)
    {
        long position = state.GetInt64("data.position");
        if (position < 0 || position > _batches.Count) throw new InvalidDataException($"training state 'data.position' is {position}; expected a batch in [0, {_batches.Count}].");
        if (_rng is not null)
        {
            state.Restore("data.pass_start", _rng);
            Plan(); // the same generator state draws the same pass
        }
        _position = (int)position;
    }

    private void Plan()
    {
        if (_rng is not null) _passStart.State = _rng.State;
        _batches.Clear();
        int n = _data.Count;
        var order = new int[n];
        for (int i = 0; i < n; i++) order[i] = i;
        if (_rng is null)
        {
            for (int start = 0; start < n; start += _batchSize) _batches.Add(order[start..Math.Min(n, start + _batchSize)]);
            return;
        }
        for (int i = n - 1; i > 0; i--)
        {
            int j = _rng.Next(i + 1);
            (order[i], order[j]) = (order[j], order[i]);
        }
        int bucket = _batchSize * BucketBatches;
        for (int start = 0; start < n; start += bucket)
        {
            var run = order[start..Math.Min(n, start + bucket)];
            Array.Sort(run, (a, c) => _data.Inputs[a].Length.CompareTo(_data.Inputs[c].Length));
            for (int s = 0; s < run.Length; s += _batchSize) _batches.Add(run[s..Math.Min(run.Length, s + _batchSize)]);
        }
        for (int i = _batches.Count - 1; i > 0; i--)
        {
            int j = _rng.Next(i + 1);
            (_batches[i], _batches[j]) = (_batches[j], _batches[i]);
        }
    }
}
