using Recurrent.Autodiff;
using Recurrent.Cells;
using Recurrent.Data;
using Recurrent.Data.Text;
using Recurrent.Layers;
using Recurrent.Models;
using Recurrent.Tensors;
using Recurrent.Training;
using Xunit.Abstractions;
using static Recurrent.Tests.Distributed.DataParallelEquivalenceTests;

namespace Recurrent.Tests.Distributed;

/// <summary>
/// The trainer over several ranks: sequence classifiers over epochs with validation, time budgets and cancellation
/// that stop every rank at the same step, only rank 0 writing, checkpoints that resume with another number of ranks.
/// </summary>
public class DataParallelTrainerTests(ITestOutputHelper output)
{
    private const double Tolerance = 1e-5;

    private sealed class Immediate<T>(Action<T> handler) : IProgress<T>
    {
        public void Report(T value) => handler(value);
    }

    private static (Tensor<float> X, int[] Y) Sequences(int count, ulong seed)
    {
        var rng = new Rng(seed);
        var x = Tensor.Normal<float>(rng, 0, 1, count, 6, 2);
        return (x, Enumerable.Range(0, count).Select(i => x[i, 5, 1] + x[i, 0, 0] > 0 ? 1 : 0).ToArray());
    }

    private static SequenceClassifier<float> Classifier(CellKind cell) =>
        new(new SequenceClassifierConfig(2, 2, new RecurrentSpec { Cell = cell, HiddenSize = 8, Layers = 2 }), new Rng(12));

    [Theory]
    [InlineData(CellKind.CudnnGru, 2)]
    [InlineData(CellKind.Gru, 3)]
    [InlineData(CellKind.Lstm, 3)]
    public void ASequenceClassifierOverEpochsMatchesOneProcessWithTheSameValidation(CellKind cell, int ranks)
    {
        // 37 sequences in batches of 10: 4 batches per epoch, the last of 7 rows, shuffled anew each epoch.
        var (x, y) = Sequences(37, 5);
        var (vx, vy) = Sequences(23, 6);
        var options = new TrainerOptions { Epochs = 2, LearningRate = 1e-2, ClipNorm = 0.3, MaxThreads = 1 };
        var single = Classifier(cell);
        var expected = new Trainer<SequenceBatch>(single, single.Loss, options).Fit(new SequenceData(x, y, 10, seed: 3), new SequenceData(vx, vy, 5, shuffle: false));

        var results = Ranks.Run(ranks, group =>
        {
            var model = Classifier(cell);
            var result = new Trainer<SequenceBatch>(model, model.Loss, options with { ProcessGroup = group })
                .Fit(new SequenceData(x, y, 10, seed: 3), new SequenceData(vx, vy, 5, shuffle: false));
            return (Parameters: Parameters(model), Result: result);
        });

        double difference = Ranks.MaxDifference(Parameters(single), results[0].Parameters);
        output.WriteLine($"{cell}, {ranks} ranks: max |Δ| = {difference:e2}");
        Assert.True(difference <= Tolerance, $"max |Δ| = {difference:e2}; expected at most {Tolerance:e0}");
        foreach (var (parameters, result) in results)
        {
            Assert.Equal(0, Ranks.MaxDifference(results[0].Parameters, parameters));
            Assert.Equal(expected.History.Select(h => (h.Step, h.Epoch, h.Examples)), result.History.Select(h => (h.Step, h.Epoch, h.Examples)));
            for (int v = 0; v < expected.History.Count; v++)
            {
                Assert.Equal(expected.History[v].ValidationLoss!.Value, result.History[v].ValidationLoss!.Value, 5);
                Assert.Equal(expected.History[v].TrainLoss, result.History[v].TrainLoss, 5);
                Assert.Equal(results[0].Result.History[v].ValidationLoss, result.History[v].ValidationLoss);   // the same on every rank
            }
        }
    }

    [Fact]
    public void ATimeBudgetEndsEveryRankAtTheSameStepAndValidatesThemTogether()
    {
        // Rank 0 is slow (30 ms a step): its clock decides the budget and the time-based validations for every rank.
        var corpus = Corpus();
        var validation = () => new ValidationWindowBatcher(corpus, 4, 10);
        var options = Options with { Steps = null, Duration = TimeSpan.FromSeconds(0.4), ValidateEvery = TimeSpan.FromSeconds(0.12) };
        var results = Ranks.Run(3, group =>
        {
            var model = CharModel(corpus, CellKind.Lstm);
            Func<Tape<float>, TextBatch, Variable<float>> loss = (tape, batch) =>
            {
                if (group.Rank == 0) Thread.Sleep(30);
                return model.Loss(tape, batch);
            };
            var trainer = new Trainer<TextBatch>(model, loss, options with { ProcessGroup = group });
            var result = trainer.Fit(DataParallelEquivalenceTests.Windows(corpus, false, 6), validation());
            return (Parameters: Parameters(model), Result: result);
        });
        var first = results[0].Result;
        output.WriteLine($"stopped at step {first.Steps}; validated at steps {string.Join(", ", first.History.Select(h => h.Step))}");
        Assert.Equal(StopReason.Budget, first.Reason);
        Assert.InRange(first.Steps, 2, 16);                    // 0.4 s of steps of at least 30 ms, busy machine or idle
        Assert.True(first.History.Count >= 2, "no time-based validation before the end");
        foreach (var (parameters, result) in results)
        {
            Assert.Equal(first.Steps, result.Steps);
            Assert.Equal(first.History.Select(h => (h.Step, h.ValidationLoss)), result.History.Select(h => (h.Step, h.ValidationLoss)));
            Assert.Equal(0, Ranks.MaxDifference(results[0].Parameters, parameters));
        }

        var single = CharModel(corpus, CellKind.Lstm);
        new Trainer<TextBatch>(single, single.Loss, Options with { Steps = first.Steps }).Fit(DataParallelEquivalenceTests.Windows(corpus, false, 6));
        double difference = Ranks.MaxDifference(Parameters(single), results[0].Parameters);
        output.WriteLine($"max |Δ| against one process of {first.Steps} steps = {difference:e2}");
        Assert.True(difference <= Tolerance, $"max |Δ| = {difference:e2}");
    }

    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    public void CancellingOneRankStopsEveryRankAtTheSameStep(int cancelling)
    {
        var corpus = Corpus();
        var results = Ranks.Run(2, group =>
        {
            var model = CharModel(corpus, CellKind.CudnnGru);
            using var cancel = new CancellationTokenSource();
            // Only this rank's token fires: rank 0's from its progress report after step 3 (rank 0 alone gets reports),
            // rank 1's from its loss during step 4.
            var progress = new Immediate<TrainingProgress>(p => { if (p.Step == 3 && group.Rank == cancelling) cancel.Cancel(); });
            Trainer<TextBatch>? trainer = null;
            Func<Tape<float>, TextBatch, Variable<float>> loss = (tape, batch) =>
            {
                if (group.Rank == cancelling && cancelling != 0 && trainer!.Step == 3) cancel.Cancel();
                return model.Loss(tape, batch);
            };
            trainer = new Trainer<TextBatch>(model, loss, Options with { Steps = 50, ProcessGroup = group });
            var result = trainer.Fit(DataParallelEquivalenceTests.Windows(corpus, true, 4), null, progress, cancel.Token);
            return (Parameters: Parameters(model), Result: result);
        });
        Assert.All(results, r => Assert.Equal(StopReason.Cancelled, r.Result.Reason));
        Assert.Equal(results[0].Result.Steps, results[1].Result.Steps);
        // The flag travels in the all-reduce of the step under way, so both stop after step 4.
        Assert.Equal(4, results[0].Result.Steps);
        Assert.Equal(0, Ranks.MaxDifference(results[0].Parameters, results[1].Parameters));
    }

    [Fact]
    public void OnlyRankZeroWritesMetricsAndCheckpoints()
    {
        var corpus = Corpus();
        string root = Directory.CreateTempSubdirectory("recurrent-dp-writes").FullName;
        try
        {
            Ranks.Run(3, group =>
            {
                // Each rank is pointed at a directory of its own, to see who writes; then all at one, as MPI ranks on a shared disk are.
                string own = Path.Combine(root, "rank" + group.Rank);
                var model = CharModel(corpus, CellKind.Lstm);
                var options = Options with { ProcessGroup = group, ValidateEverySteps = 3, CheckpointEverySteps = 2 };
                new Trainer<TextBatch>(model, model.Loss, options with { CheckpointDirectory = own, MetricsFile = Path.Combine(own, "metrics.jsonl") })
                    .Fit(DataParallelEquivalenceTests.Windows(corpus, false, 6), new ValidationWindowBatcher(corpus, 4, 10));
                string shared = Path.Combine(root, "shared");
                var again = CharModel(corpus, CellKind.Lstm);
                new Trainer<TextBatch>(again, again.Loss, options with { CheckpointDirectory = shared, MetricsFile = Path.Combine(shared, "metrics.jsonl") })
                    .Fit(DataParallelEquivalenceTests.Windows(corpus, false, 6), new ValidationWindowBatcher(corpus, 4, 10));
                return 0;
            });
            Assert.True(File.Exists(Path.Combine(root, "rank0", Trainer<TextBatch>.LastCheckpoint)));
            Assert.True(File.Exists(Path.Combine(root, "rank0", Trainer<TextBatch>.BestCheckpoint)));
            Assert.Equal(3, File.ReadAllLines(Path.Combine(root, "rank0", "metrics.jsonl")).Length);   // steps 3, 6 and the end (8)
            Assert.False(Directory.Exists(Path.Combine(root, "rank1")), "rank 1 wrote to its run directory");
            Assert.False(Directory.Exists(Path.Combine(root, "rank2")), "rank 2 wrote to its run directory");
            Assert.Equal(3, File.ReadAllLines(Path.Combine(root, "shared", "metrics.jsonl")).Length);
        }
        finally
        {
            Directory.Delete(root, recursive: true);
        }
    }

    [Theory]
    [InlineData(2, 1)]
    [InlineData(1, 3)]
    [InlineData(3, 2)]
    public void ACheckpointResumesWithAnotherNumberOfRanks(int before, int after)
    {
        // Stream sampling: the checkpoint must hold every row's carried state, whichever rank computed it.
        var corpus = Corpus();
        var options = Options with { ClipNorm = 0.5 };
        var straight = CharModel(corpus, CellKind.Lstm);
        new Trainer<TextBatch>(straight, straight.Loss, options).Fit(DataParallelEquivalenceTests.Windows(corpus, true, 6));

        string dir = Directory.CreateTempSubdirectory("recurrent-dp-resume").FullName;
        try
        {
            Train(before, options with { Steps = 4, CheckpointDirectory = dir }, null);
            var resumed = Train(after, options, Path.Combine(dir, Trainer<TextBatch>.LastCheckpoint));
            double difference = Ranks.MaxDifference(Parameters(straight), resumed);
            output.WriteLine($"{before} rank(s) to step 4, then {after} to step 8: max |Δ| = {difference:e2}");
            Assert.True(difference <= Tolerance, $"max |Δ| = {difference:e2}");
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }

        float[][] Train(int ranks, TrainerOptions runOptions, string? resumeFrom)
        {
            float[][] Run(TrainerOptions o)
            {
                var model = CharModel(corpus, CellKind.Lstm);
                var trainer = new Trainer<TextBatch>(model, model.Loss, o);
                if (resumeFrom is not null) trainer.Resume(resumeFrom);
                trainer.Fit(DataParallelEquivalenceTests.Windows(corpus, true, 6));
                Assert.Equal(o.Steps, trainer.Step);
                return Parameters(model);
            }
            return ranks == 1 ? Run(runOptions) : Ranks.Run(ranks, group => Run(runOptions with { ProcessGroup = group }))[0];
        }
    }

    [Theory]
    [InlineData(1)]
    [InlineData(0)]
    public void ANonFiniteLossOnOneRankIsSkippedOrStopsTheRunOnEveryRank(int skip)
    {
        // Rank 1's shard scores NaN at step 2: the NaN reaches every rank through the sum, and every rank skips that
        // step (SkipNonFinite = 1) or stops with the same exception (0), instead of one rank stepping without the others.
        var corpus = Corpus();
        var run = () => Ranks.Run(2, group =>
        {
            var model = CharModel(corpus, CellKind.Lstm);
            Trainer<TextBatch>? trainer = null;
            Func<Tape<float>, TextBatch, Variable<float>> loss = (tape, batch) =>
            {
                var value = model.Loss(tape, batch);
                return group.Rank == 1 && trainer!.Step == 2 ? new Variable<float>(new Tensor<float>([float.NaN], 1)) : value;
            };
            trainer = new Trainer<TextBatch>(model, loss, Options with { SkipNonFinite = skip, ProcessGroup = group });
            trainer.Fit(DataParallelEquivalenceTests.Windows(corpus, false, 6));
            return (Parameters: Parameters(model), trainer.SkippedSteps);
        });
        if (skip == 0)
        {
            var error = Assert.Throws<AggregateException>(run);
            Assert.Equal(2, error.InnerExceptions.Count);
            Assert.All(error.InnerExceptions, e => Assert.IsType<TrainingDivergedException>(e.InnerException));
            Assert.All(error.InnerExceptions, e => Assert.Contains("Training diverged at step 2: the loss is NaN", e.Message));
            return;
        }
        var results = run();
        Assert.All(results, r => Assert.Equal(1, r.SkippedSteps));
        Assert.Equal(0, Ranks.MaxDifference(results[0].Parameters, results[1].Parameters));
    }

    [Fact]
    public void AGroupWhoseRankIsOutsideItsSizeIsRefused()
    {
        var error = Assert.Throws<ArgumentOutOfRangeException>(() => new TrainerOptions { ProcessGroup = new BadGroup() }.Validate());
        Assert.Contains("TrainerOptions.ProcessGroup has rank 2 of size 2", error.Message);
    }

    private sealed class BadGroup : Recurrent.Distributed.IProcessGroup
    {
        public int Rank => 2;

        public int Size => 2;

        public void AllReduce(Span<float> values, Recurrent.Distributed.ReduceOperation operation = Recurrent.Distributed.ReduceOperation.Sum) { }

        public void Broadcast(Span<float> values, int root = 0) { }

        public void Barrier() { }
    }

    [Fact]
    public void ABatchThatCannotBeShardedIsRefusedInOneLineNamingItsType()
    {
        var error = Assert.Throws<AggregateException>(() => Ranks.Run(2, group =>
        {
            var model = Classifier(CellKind.Gru);
            var trainer = new Trainer<Whole>(model, (tape, batch) => model.Loss(tape, batch.Sequences), new TrainerOptions { Steps = 1, ProcessGroup = group });
            return trainer.Fit(new WholeSource());
        }));
        Assert.All(error.InnerExceptions, e => Assert.IsType<NotSupportedException>(e.InnerException));
        Assert.All(error.InnerExceptions, e => Assert.Contains("Whole does not implement IShardable<Whole>", e.Message));
    }

    [Fact]
    public void RanksThatResumedAtDifferentStepsFailTogether()
    {
        var corpus = Corpus();
        string dir = Directory.CreateTempSubdirectory("recurrent-dp-steps").FullName;
        try
        {
            var model = CharModel(corpus, CellKind.Lstm);
            new Trainer<TextBatch>(model, model.Loss, Options with { Steps = 2, CheckpointDirectory = dir }).Fit(DataParallelEquivalenceTests.Windows(corpus, false, 6));
            var error = Assert.Throws<AggregateException>(() => Ranks.Run(2, group =>
            {
                var rankModel = CharModel(corpus, CellKind.Lstm);
                var trainer = new Trainer<TextBatch>(rankModel, rankModel.Loss, Options with { ProcessGroup = group });
                if (group.Rank == 1) trainer.Resume(Path.Combine(dir, Trainer<TextBatch>.LastCheckpoint));
                return trainer.Fit(DataParallelEquivalenceTests.Windows(corpus, false, 6));
            }));
            Assert.Equal(2, error.InnerExceptions.Count);
            Assert.Contains(error.InnerExceptions, e => e.Message.Contains("Rank 1 stands at step 2 and rank 0 at step 0; every rank must resume from the same checkpoint, or none."));
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    [Theory]
    [InlineData(2, false)]
    [InlineData(3, true)]
    public void AWarmDataParallelStepAllocatesNothingBeyondTheModelsOwnStep(int ranks, bool stream)
    {
        // The model's forward and backward allocate nothing once warm on random windows, and a few bytes per step
        // from a carried state (the final-state array); a data-parallel step adds nothing to that: the exchange buffer,
        // the shards and the group's slots are allocated once.
        var corpus = Corpus();
        long single = LeastAllocatedByAWarmStep(corpus, stream, null);
        var allocated = Ranks.Run(ranks, group => LeastAllocatedByAWarmStep(corpus, stream, group));
        output.WriteLine($"one process: {single} B a step; {ranks} ranks: {string.Join(", ", allocated)} B");
        Assert.All(allocated, bytes => Assert.True(bytes <= single, $"a warm data-parallel step allocated {bytes} bytes; one process allocates {single}"));
        if (!stream) Assert.Equal(0, single);
    }

    /// <summary>The fewest bytes the calling thread allocated in one of the warm training steps 4 … 8.</summary>
    private static long LeastAllocatedByAWarmStep(CharCorpus corpus, bool stream, Recurrent.Distributed.IProcessGroup? group)
    {
        using var threads = Threads.Limit(1);                // every kernel on this thread, where the allocations are counted
        var model = CharModel(corpus, CellKind.Lstm);
        var trainer = new Trainer<TextBatch>(model, model.Loss, Options with { ProcessGroup = group });
        var windows = DataParallelEquivalenceTests.Windows(corpus, stream, 6);
        long least = long.MaxValue;
        for (int step = 0; step < 8; step++)
        {
            windows.TryNext(out var batch);
            long before = GC.GetAllocatedBytesForCurrentThread();
            trainer.TrainStep(batch!);
            if (step >= 3) least = Math.Min(least, GC.GetAllocatedBytesForCurrentThread() - before);
        }
        return least;
    }

    /// <summary>A batch type that does not implement <see cref="IShardable{TBatch}"/>.</summary>
    private sealed class Whole(SequenceBatch sequences) : IBatch
    {
        public SequenceBatch Sequences { get; } = sequences;

        public int Count => Sequences.Count;
    }

    private sealed class WholeSource : IBatchSource<Whole>
    {
        private readonly Whole _batch = new(new SequenceBatch(4, 3, 2));

        public bool TryNext(out Whole batch)
        {
            batch = _batch;
            return true;
        }
    }
}
