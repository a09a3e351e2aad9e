using Recurrent.Cells;
using Recurrent.Cli.Tasks;
using Recurrent.Data;
using Recurrent.Models;
using Recurrent.Tensors;
using Recurrent.Tests.Distributed;
using Recurrent.Training;

namespace Recurrent.Tests.Cli.Tasks;

/// <summary>
/// The task batches split among the ranks of <c>mpirun … recurrent train</c>: the shards, in order, are the batch's
/// rows (every field: inputs, lengths, labels or tags, source ids, decoder sequences, values, indices), their sizes
/// differ by at most one row, and a classifier trained on 2 ranks ends where one process does.
/// </summary>
public sealed class TaskBatchShardTests
{
    /// <summary>A batch of B rows of T steps with every field a task can fill, each element distinct.</summary>
    private static TaskBatch Filled(int b, int steps, int features, int outputs)
    {
        var batch = new TaskBatch
        {
            Inputs = new Tensor<float>(b, steps, features),
            Lengths = [.. Enumerable.Range(0, b).Select(r => 1 + r % steps)],
            Labels = [.. Enumerable.Range(0, b * steps).Select(i => i * 3 % 11)],
            SourceIds = [.. Enumerable.Range(0, b * steps).Select(i => 100 + i)],
            Targets = new DecoderSequences(b, outputs),
            Values = new Tensor<float>(b, outputs),
            Indices = [.. Enumerable.Range(0, b).Select(r => 1000 + r)],
        };
        var x = batch.Inputs.Span;
        for (int i = 0; i < x.Length; i++) x[i] = i * 0.25f;
        var v = batch.Values.Span;
        for (int i = 0; i < v.Length; i++) v[i] = -i;
        for (int r = 0; r < b; r++) batch.Targets.SetRow(r, [.. Enumerable.Range(0, 1 + r % outputs).Select(t => 3 + r + t)]);
        return batch;
    }

    [Theory]
    [InlineData(7, 1)]
    [InlineData(7, 2)]
    [InlineData(7, 3)]
    [InlineData(7, 7)]
    [InlineData(8, 2)]
    [InlineData(33, 4)]
    public void ShardsInOrderAreTheBatchsRows(int b, int count)
    {
        var batch = Filled(b, steps: 5, features: 3, outputs: 4);
        var inputs = new List<float>();
        var lengths = new List<int>();
        var labels = new List<int>();
        var sources = new List<int>();
        var decoderInputs = new List<int>();
        var decoderTargets = new List<int>();
        var decoderLengths = new List<int>();
        var values = new List<float>();
        var indices = new List<int>();
        var sizes = new List<int>();
        for (int i = 0; i < count; i++)
        {
            var shard = batch.Shard(i, count);
            Assert.Equal(5, shard.Inputs.Dim(1)); // padded to the global batch's steps
            sizes.Add(shard.Count);
            inputs.AddRange(shard.Inputs.Span.ToArray());
            lengths.AddRange(shard.Lengths);
            labels.AddRange(shard.Labels);
            sources.AddRange(shard.SourceIds);
            decoderInputs.AddRange(shard.Targets!.Inputs);
            decoderTargets.AddRange(shard.Targets.Targets);
            decoderLengths.AddRange(shard.Targets.Lengths);
            values.AddRange(shard.Values!.Span.ToArray());
            indices.AddRange(shard.Indices);
        }
        Assert.True(sizes.Max() - sizes.Min() <= 1 && sizes.Min() >= 1, $"shard sizes {string.Join(", ", sizes)}");
        Assert.Equal(batch.Inputs.Span.ToArray(), inputs);
        Assert.Equal(batch.Lengths, lengths);
        Assert.Equal(batch.Labels, labels);
        Assert.Equal(batch.SourceIds, sources);
        Assert.Equal(batch.Targets!.Inputs, decoderInputs);
        Assert.Equal(batch.Targets.Targets, decoderTargets);
        Assert.Equal(batch.Targets.Lengths, decoderLengths);
        Assert.Equal(batch.Values!.Span.ToArray(), values);
        Assert.Equal(batch.Indices, indices);
    }

    [Fact]
    public void ClassifyBatchShardsCarryOneLabelPerRow()
    {
        var batch = new TaskBatch { Inputs = new Tensor<float>(5, 2, 1), Lengths = [1, 2, 1, 2, 1], Labels = [0, 1, 2, 3, 4], Indices = [9, 8, 7, 6, 5] };
        var second = batch.Shard(1, 2); // rows [2, 5)
        Assert.Equal([2, 3, 4], second.Labels);
        Assert.Equal([7, 6, 5], second.Indices);
        Assert.Empty(second.SourceIds);
        Assert.Null(second.Targets);
    }

    [Theory]
    [InlineData(0, 6)]
    [InlineData(2, 2)]
    [InlineData(-1, 2)]
    public void AShardOutsideTheBatchIsRefused(int index, int count)
    {
        var batch = Filled(5, 3, 1, 2);
        var e = Assert.Throws<ArgumentOutOfRangeException>(() => batch.Shard(index, count));
        Assert.Contains($"shard {index} of {count}", e.Message);
    }

    /// <summary>A word classifier, B = 7 on 2 ranks (shards of 3 and 4) against one process: the same weights within 1e-5.</summary>
    [Fact]
    public void AClassifierOnTwoRanksEndsWhereOneProcessDoes()
    {
        var rng = new Random(3);
        var raw = Enumerable.Range(0, 60).Select(i =>
        {
            string word = new([.. Enumerable.Range(0, 2 + i % 5).Select(_ => "abcde"[rng.Next(5)])]);
            return new RawSample { Line = i + 2, Key = word, Symbols = TokenVocabulary.Split(word, SymbolLevel.Characters), Steps = word.Length, Label = word.Contains('a') ? "a" : "other" };
        }).ToList();
        var schema = TaskData.Learn(new DataSchema { Task = "classify", Input = "word", Label = "label" }, raw);
        var data = TaskData.Encode(schema, raw, "words", labelled: true);
        var choices = new ModelChoices(CellKind.Lstm, 12, 1, 8, false, SequencePooling.LastStep, 0, 0, false);

        float[][] Train(Recurrent.Distributed.IProcessGroup? group)
        {
            var model = TaskModel.Create(schema, choices, 1, 5);
            var trainer = new Trainer<TaskBatch>(model.Module, model.Loss, DataParallelEquivalenceTests.Options with { ProcessGroup = group });
            trainer.Fit(new TaskBatches(data, 7, new Rng(11)));
            return DataParallelEquivalenceTests.Parameters(model.Module);
        }

        var single = Train(null);
        var ranks = Ranks.Run(2, g => Train(g));
        Assert.Equal(0, Ranks.MaxDifference(ranks[0], ranks[1])); // the ranks step identically
        double difference = Ranks.MaxDifference(single, ranks[0]);
        Assert.True(difference <= 1e-5, $"2 ranks differ from 1 process by {difference:E2}");
        var initial = DataParallelEquivalenceTests.Parameters(TaskModel.Create(schema, choices, 1, 5).Module);
        Assert.True(Ranks.MaxDifference(single, initial) > 1e-3, "training did not move the weights; the comparison would prove nothing.");
    }
}
