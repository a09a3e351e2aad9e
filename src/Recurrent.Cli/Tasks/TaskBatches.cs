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
    private readonly Dictionary<(int Rows, int Steps, int Outputs), TaskBatch> _reused = [];
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
        batch = Fill(_data, _batches[_position++], _reused);
        return true;
    }

    /// <summary>
    /// The batch of the given samples, padded to the longest. With <paramref name="reuse"/>, a batch of the same shape
    /// handed out before is refilled instead of allocated (a trainer uses a batch only until it asks for the next), so
    /// that once every shape of a pass has been seen, a training step allocates no batch.
    /// </summary>
    public static TaskBatch Fill(TaskData data, int[] indices, Dictionary<(int Rows, int Steps, int Outputs), TaskBatch>? reuse = null)
    {
        int b = indices.Length, f = data.Features, steps = 1, outputs = 1;
        string task = data.Schema.Task;
        foreach (int i in indices)
        {
            steps = Math.Max(steps, data.Inputs[i].Length / f);
            if (task == "seq2seq") outputs = Math.Max(outputs, data.Targets[i].Length);
        }
        if (task == "forecast") outputs = data.Values[indices[0]].Length;
        var key = (b, steps, outputs);
        if (reuse is null || !reuse.TryGetValue(key, out var batch))
        {
            batch = new TaskBatch
            {
                Inputs = new Tensor<float>(b, steps, f),
                Lengths = new int[b],
                Labels = task switch { "classify" => new int[b], "tag" => new int[b * steps], _ => [] },
                SourceIds = task == "seq2seq" ? new int[b * steps] : [],
                Targets = task == "seq2seq" ? new DecoderSequences(b, outputs) : null,
                Values = task == "forecast" ? new Tensor<float>(b, outputs) : null,
            };
            reuse?.Add(key, batch);
        }
        batch.Indices = indices;
        var x = batch.Inputs.Span;
        x.Clear();
        for (int r = 0; r < b; r++)
        {
            var sample = data.Inputs[indices[r]];
            sample.CopyTo(x.Slice(r * steps * f));
            batch.Lengths[r] = sample.Length / f;
        }
        switch (task)
        {
            case "classify":
                for (int r = 0; r < b; r++) batch.Labels[r] = data.Labels[indices[r]];
                break;
            case "tag":
                Array.Fill(batch.Labels, -1);
                for (int r = 0; r < b; r++) data.Tags[indices[r]].CopyTo(batch.Labels, r * steps);
                break;
            case "seq2seq":
                Array.Clear(batch.SourceIds);
                for (int r = 0; r < b; r++)
                {
                    var s = data.Inputs[indices[r]];
                    for (int t = 0; t < s.Length; t++) batch.SourceIds[r * steps + t] = (int)s[t];
                    batch.Targets!.SetRow(r, data.Targets[indices[r]]);
                }
                break;
            case "forecast":
                for (int r = 0; r < b; r++) data.Values[indices[r]].CopyTo(batch.Values!.Span.Slice(r * outputs));
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
