using Recurrent.Autodiff;
using Recurrent.Cells;
using Recurrent.Data;
using Recurrent.Data.Text;
using Recurrent.Tensors;

namespace Recurrent.Tests.Distributed;

/// <summary>Shards of batches against slicing by hand: rows, counts, and the carried state of stream sampling split and given back by row.</summary>
public class ShardTests
{
    /// <summary>The rows of shard i of n as the contract defines them, [⌊i·B/n⌋, ⌊(i+1)·B/n⌋).</summary>
    private static IEnumerable<int> RowsOf(int rows, int index, int count) => Enumerable.Range(index * rows / count, (index + 1) * rows / count - index * rows / count);

    private static SequenceBatch Sequences(int rows, int steps, int features)
    {
        var batch = new SequenceBatch(rows, steps, features);
        var rng = new Rng(3);
        rng.FillUniform(batch.Inputs.Span, -1, 1);
        for (int b = 0; b < rows; b++) (batch.Labels[b], batch.Lengths[b]) = (b % 3, 1 + b % steps);
        return batch;
    }

    [Theory]
    [InlineData(8, 2)]
    [InlineData(8, 4)]
    [InlineData(7, 3)]
    [InlineData(10, 4)]
    [InlineData(5, 5)]
    [InlineData(9, 1)]
    public void SequenceBatchShardsAreTheRowsSlicedByHand(int rows, int count)
    {
        const int steps = 4, features = 3;
        var batch = Sequences(rows, steps, features);
        var seen = new List<int>();
        for (int index = 0; index < count; index++)
        {
            var expected = RowsOf(rows, index, count).ToArray();
            var shard = batch.Shard(index, count);
            Assert.Equal(expected.Length, shard.Count);
            Assert.Equal([expected.Length, steps, features], shard.Inputs.Shape.ToArray());
            for (int r = 0; r < expected.Length; r++)
            {
                int b = expected[r];
                for (int t = 0; t < steps; t++)
                    for (int f = 0; f < features; f++)
                        Assert.Equal(batch.Inputs[b, t, f], shard.Inputs[r, t, f]);
                Assert.Equal(batch.Labels[b], shard.Labels[r]);
                Assert.Equal(batch.Lengths[b], shard.Lengths[r]);
            }
            seen.AddRange(expected);
        }
        Assert.Equal(Enumerable.Range(0, rows), seen);            // the shards cover the batch once, in order
    }

    [Theory]
    [InlineData(6, 2)]
    [InlineData(7, 3)]
    [InlineData(7, 7)]
    public void TextBatchShardsAreTheWindowsSlicedByHandAndCountTheirTargets(int rows, int count)
    {
        const int steps = 5;
        var batch = new TextBatch(rows, steps);
        for (int i = 0; i < rows * steps; i++) (batch.Inputs[i], batch.Targets[i]) = (i % 11, i % 13);
        // The last row is padded after 2 steps, as a validation batch is.
        for (int t = 2; t < steps; t++) batch.Targets[(rows - 1) * steps + t] = -1;
        int total = 0;
        for (int index = 0; index < count; index++)
        {
            var expected = RowsOf(rows, index, count).ToArray();
            var shard = batch.Shard(index, count);
            Assert.Equal((expected.Length, steps), (shard.Rows, shard.Steps));
            Assert.Equal(expected.SelectMany(b => batch.Inputs.Skip(b * steps).Take(steps)), shard.Inputs);
            Assert.Equal(expected.SelectMany(b => batch.Targets.Skip(b * steps).Take(steps)), shard.Targets);
            Assert.Equal(shard.Targets.Count(t => t >= 0), shard.Count);
            Assert.Null(shard.InitialState);
            total += shard.Count;
        }
        Assert.Equal(rows * steps - (steps - 2), total);
    }

    [Fact]
    public void AShardStartsFromItsRowsOfTheCarriedStateAndGivesItsFinalStateBackToThem()
    {
        const int rows = 5, steps = 3, layers = 2, hidden = 4;
        var batch = new TextBatch(rows, steps);
        // The carried state a stream source sets: (L, B, H) per state tensor (h and c of an LSTM); entry (l, b, k) = 100l + 10b + k.
        var carried = Enumerable.Range(0, 2).Select(c => new Variable<float>(new Tensor<float>(layers, rows, hidden))).ToArray();
        for (int c = 0; c < 2; c++)
            for (int l = 0; l < layers; l++)
                for (int b = 0; b < rows; b++)
                    for (int k = 0; k < hidden; k++)
                        carried[c].Value[l, b, k] = 1000 * c + 100 * l + 10 * b + k;
        SetInitialState(batch, carried);

        foreach (int index in new[] { 1, 0 })                     // any order: each shard hands back its own rows
        {
            var rowsOfShard = RowsOf(rows, index, 2).ToArray();   // shard 0: rows 0–1, shard 1: rows 2–4
            var shard = batch.Shard(index, 2);
            Assert.NotNull(shard.InitialState);
            for (int c = 0; c < 2; c++)
            {
                var initial = shard.InitialState![c].Value;
                Assert.Equal([layers, rowsOfShard.Length, hidden], initial.Shape.ToArray());
                for (int l = 0; l < layers; l++)
                    for (int r = 0; r < rowsOfShard.Length; r++)
                        for (int k = 0; k < hidden; k++)
                            Assert.Equal(carried[c].Value[l, rowsOfShard[r], k], initial[l, r, k]);
            }
            // The "model" hands back its final state: the initial state negated.
            var final = shard.InitialState!.Select(s => new Variable<float>(Negated(s.Value))).ToArray();
            shard.KeepFinalState(final);
        }

        var gathered = TakeFinalState(batch);
        Assert.NotNull(gathered);
        for (int c = 0; c < 2; c++)
        {
            Assert.Equal([layers, rows, hidden], gathered![c].Value.Shape.ToArray());
            Assert.Equal(carried[c].Value.ToArray().Select(v => -v), gathered[c].Value.ToArray());
        }
    }

    [Theory]
    [InlineData(CellKind.Lstm, 2)]
    [InlineData(CellKind.CudnnGru, 3)]
    public void AStreamFedShardByShardCarriesTheStateOneProcessCarries(CellKind cell, int count)
    {
        // Two identical streams of 7 rows: one fed whole batches, one fed the same batches shard by shard. After 4
        // windows the state each carries (saved as a checkpoint saves it) is the same, row by row.
        var corpus = DataParallelEquivalenceTests.Corpus();
        var model = DataParallelEquivalenceTests.CharModel(corpus, cell);
        model.Eval();
        var whole = new StreamBatcher(corpus, 7, 10);
        var sharded = new StreamBatcher(corpus, 7, 10);
        // Two tapes: the whole batch keeps the final state on its tape's variables until the stream takes it.
        var (wholeTape, shardTape) = (new Tape<float>(), new Tape<float>());
        for (int window = 0; window < 4; window++)
        {
            Assert.True(whole.TryNext(out var batch));
            wholeTape.Reset();
            model.Loss(wholeTape, batch);
            Assert.True(sharded.TryNext(out var split));
            for (int index = 0; index < count; index++)
            {
                shardTape.Reset();
                model.Loss(shardTape, split.Shard(index, count));
            }
        }
        var (a, b) = (new TrainingState(), new TrainingState());
        whole.SaveState(a);
        sharded.SaveState(b);
        foreach (string key in a.Tensors.Keys)
        {
            float[] expected = a.Tensors[key].ToArray(), actual = b.Tensors[key].ToArray();
            Assert.Equal(expected.Length, actual.Length);
            for (int i = 0; i < expected.Length; i++) Assert.Equal(expected[i], actual[i], 1e-5f);
        }
        Assert.NotEmpty(a.Tensors.Keys);
    }

    [Fact]
    public void ABatchWithFewerRowsThanShardsIsRefusedInOneLine()
    {
        var error = Assert.Throws<ArgumentException>(() => new TextBatch(2, 4).Shard(0, 3));
        Assert.StartsWith("A batch of 2 rows cannot be split into 3 shards; every rank needs at least one row", error.Message);
        Assert.Throws<ArgumentOutOfRangeException>(() => Sequences(4, 2, 1).Shard(4, 4));
        Assert.Throws<ArgumentOutOfRangeException>(() => Sequences(4, 2, 1).Shard(0, 0));
    }

    private static Tensor<float> Negated(Tensor<float> x)
    {
        var y = new Tensor<float>(x.Shape.ToArray());
        System.Numerics.Tensors.TensorPrimitives.Negate(x.Span, y.Span);
        return y;
    }

    private static void SetInitialState(TextBatch batch, IReadOnlyList<Variable<float>> state) => batch.InitialState = state;

    private static IReadOnlyList<Variable<float>>? TakeFinalState(TextBatch batch) => batch.TakeFinalState();
}
