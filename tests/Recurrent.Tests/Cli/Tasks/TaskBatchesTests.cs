using Recurrent.Cli.Tasks;
using Recurrent.Data;
using Recurrent.Tensors;

namespace Recurrent.Tests.Cli.Tasks;

/// <summary>The batches a task trains on: padded correctly, refilled rather than allocated, and resumed exactly.</summary>
public sealed class TaskBatchesTests
{
    private static TaskData Words(int count)
    {
        var rng = new Random(3);
        var raw = Enumerable.Range(0, count).Select(i =>
        {
            string word = new([.. Enumerable.Range(0, 3 + i % 3).Select(_ => "abcd"[rng.Next(4)])]);
            return new RawSample { Line = i + 2, Key = word, Symbols = TokenVocabulary.Split(word, SymbolLevel.Characters), Steps = word.Length, Label = i % 2 == 0 ? "even" : "odd" };
        }).ToList();
        var schema = TaskData.Learn(new DataSchema { Task = "classify", Input = "word", Label = "label" }, raw);
        return TaskData.Encode(schema, raw, "words", labelled: true);
    }

    [Fact]
    public void BatchesArePaddedWithZerosAndCarryTheirSamples()
    {
        var data = Words(40);
        var source = new TaskBatches(data, 8, new Rng(1));
        int seen = 0;
        while (source.TryNext(out var batch))
        {
            int steps = batch.Inputs.Dim(1);
            for (int r = 0; r < batch.Count; r++)
            {
                var sample = data.Inputs[batch.Indices[r]];
                Assert.Equal(sample.Length, batch.Lengths[r]);
                Assert.Equal(data.Labels[batch.Indices[r]], batch.Labels[r]);
                for (int t = 0; t < steps; t++) Assert.Equal(t < sample.Length ? sample[t] : 0f, batch.Inputs[r, t, 0]);
            }
            seen += batch.Count;
        }
        Assert.Equal(40, seen);
    }

    [Fact]
    public void AWarmPassHandsOutBatchesWithoutAllocatingThem()
    {
        var source = new TaskBatches(Words(64), 8, new Rng(1));
        for (int pass = 0; pass < 3; pass++) while (source.TryNext(out _)) { } // every shape of the passes seen
        source.TryNext(out _);
        long before = GC.GetAllocatedBytesForCurrentThread();
        for (int i = 0; i < 6; i++) Assert.True(source.TryNext(out _));
        Assert.Equal(0, GC.GetAllocatedBytesForCurrentThread() - before);
    }

    [Fact]
    public void ResumingDrawsTheBatchesThatWouldHaveComeNext()
    {
        var data = Words(48);
        var original = new TaskBatches(data, 8, new Rng(7));
        for (int i = 0; i < 9; i++) original.TryNext(out _); // into the second pass
        var state = new TrainingState();
        original.SaveState(state);
        var resumed = new TaskBatches(data, 8, new Rng(12345));
        resumed.LoadState(state);
        for (int i = 0; i < 10; i++)
        {
            bool a = original.TryNext(out var x), b = resumed.TryNext(out var y);
            Assert.Equal(a, b);
            if (a) Assert.Equal(x!.Indices, y!.Indices);
        }
        state.Set("data.position", 99);
        Assert.Throws<InvalidDataException>(() => resumed.LoadState(state));
    }
}
