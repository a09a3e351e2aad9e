using Recurrent.Cells;
using Recurrent.Data;
using Recurrent.Layers;
using Recurrent.Models;
using Recurrent.Tensors;
using Recurrent.Training;

namespace Recurrent.Tests.Training;

/// <summary>The trainer over epochs of in-memory sequences: exact resume mid-epoch, thread counts, short last batches.</summary>
public class SequenceDataTrainingTests
{
    private static (Tensor<float> X, int[] Y) Data()
    {
        var rng = new Rng(11);
        var x = Tensor.Normal<float>(rng, 0, 1, 100, 6, 2);
        return (x, Enumerable.Range(0, 100).Select(i => x[i, 5, 1] > 0 ? 1 : 0).ToArray());
    }

    private static SequenceClassifier<float> Model() =>
        new(new SequenceClassifierConfig(2, 2, new RecurrentSpec { Cell = CellKind.Lstm, HiddenSize = 8, Layers = 2, Dropout = 0.2 }), new Rng(12));

    private sealed class Immediate<T>(Action<T> handler) : IProgress<T>
    {
        public void Report(T value) => handler(value);
    }

    [Fact]
    public void ResumingInTheMiddleOfAnEpochContinuesBitForBit()
    {
        var (x, y) = Data();
        // 100 sequences in batches of 32: 4 batches per epoch, the last of 4 sequences; stop in epoch 2 at step 6.
        var options = new TrainerOptions { Epochs = 3, LearningRate = 1e-2, Schedule = ScheduleKind.Cosine, ProgressInterval = TimeSpan.Zero };
        var straight = Model();
        var all = new Trainer<SequenceBatch>(straight, straight.Loss, options).Fit(new SequenceData(x, y, 32, seed: 5));
        Assert.Equal(12, all.Steps);

        string dir = Directory.CreateTempSubdirectory("recurrent-epochs").FullName;
        try
        {
            var first = Model();
            using var cancel = new CancellationTokenSource();
            new Trainer<SequenceBatch>(first, first.Loss, options with { CheckpointDirectory = dir })
                .Fit(new SequenceData(x, y, 32, seed: 5), null, new Immediate<TrainingProgress>(p => { if (p.Step == 6) cancel.Cancel(); }), cancel.Token);

            var resumed = Model();
            var trainer = new Trainer<SequenceBatch>(resumed, resumed.Loss, options);
            trainer.Resume(Path.Combine(dir, Trainer<SequenceBatch>.LastCheckpoint));
            Assert.Equal(1, trainer.Epoch);
            var rest = trainer.Fit(new SequenceData(x, y, 32, seed: 5));
            Assert.Equal(12, rest.Steps);
            Assert.Equal(3, rest.Epochs);
            foreach (var ((name, a), (_, b)) in straight.NamedParameters().Zip(resumed.NamedParameters()))
            {
                Assert.True(a.Value.ToArray().SequenceEqual(b.Value.ToArray()), $"{name} differs after resuming mid-epoch");
            }
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    [Fact]
    public void TheThreadCountOfARunDoesNotChangeItsResult()
    {
        var (x, y) = Data();
        var one = Model();
        var two = Model();
        new Trainer<SequenceBatch>(one, one.Loss, new TrainerOptions { Epochs = 2, MaxThreads = 1 }).Fit(new SequenceData(x, y, 32));
        new Trainer<SequenceBatch>(two, two.Loss, new TrainerOptions { Epochs = 2, MaxThreads = 2 }).Fit(new SequenceData(x, y, 32));
        foreach (var ((name, a), (_, b)) in one.NamedParameters().Zip(two.NamedParameters()))
        {
            Assert.True(a.Value.ToArray().SequenceEqual(b.Value.ToArray()), $"{name} differs between 1 and 2 threads");
        }
    }

    [Fact]
    public void EachEpochVisitsEverySequenceOnceInANewOrder()
    {
        var (x, y) = Data();
        var data = new SequenceData(x, y, 32, seed: 3);
        int[] Epoch()
        {
            var seen = new List<float>();
            while (data.TryNext(out var batch))
            {
                for (int b = 0; b < batch.Count; b++) seen.Add(batch.Inputs[b, 0, 0]);
            }
            return seen.Select(v => Enumerable.Range(0, 100).First(i => x[i, 0, 0] == v)).ToArray();
        }
        int[] first = Epoch(), second = Epoch();
        Assert.Equal(Enumerable.Range(0, 100), first.Order());
        Assert.Equal(Enumerable.Range(0, 100), second.Order());
        Assert.NotEqual(first, second);
        Assert.Equal(4, data.BatchesPerPass);
    }
}
