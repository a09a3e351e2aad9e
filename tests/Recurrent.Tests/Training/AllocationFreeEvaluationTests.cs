using Recurrent.Autodiff;
using Recurrent.Data.Text;
using Recurrent.Layers;
using Recurrent.Models;
using Recurrent.Tensors;
using Recurrent.Training;

namespace Recurrent.Tests.Training;

/// <summary>Runs alone (no other test class in parallel), because it measures the allocations of the whole process.</summary>
[CollectionDefinition(nameof(ProcessWideMeasurements), DisableParallelization = true)]
public sealed class ProcessWideMeasurements;

/// <summary>Evaluation mode keeps nothing for backward: a warm evaluation allocates nothing on any thread.</summary>
[Collection(nameof(ProcessWideMeasurements))]
public class AllocationFreeEvaluationTests
{
    [Fact]
    public void EvaluationSavesNothingAndAllocatesNothingOnceWarm()
    {
        var corpus = CharCorpus.FromText(string.Concat(Enumerable.Repeat("the quick brown fox jumps over the lazy dog. ", 60)), "fox");
        var model = new CharLanguageModel<float>(new CharModelConfig(corpus.Vocabulary.Count, 8, new RecurrentSpec { HiddenSize = 32, Layers = 2, Dropout = 0.3 }), new Rng(1));
        var validation = new ValidationWindowBatcher(corpus, 16, 16);
        var tape = new Tape<float>();
        Func<Tape<float>, TextBatch, Variable<float>> loss = model.Loss;
        double first = Evaluation.MeanLoss(model, loss, validation, tape);
        double second = double.NaN;
        long allocated = LeastAllocated(() => second = Evaluation.MeanLoss(model, loss, validation, tape));
        Assert.Equal(first, second); // no dropout in evaluation mode
        Assert.True(model.IsTraining, "the model's mode is restored");
        Assert.True(allocated == 0, $"a warm evaluation allocated {allocated} bytes over all threads");
    }

    [Fact]
    public void TrainingModeKeepsActivationsThatEvaluationModeDoesNot()
    {
        // The same forward in both modes: training keeps the per-step activations for backward (it allocates them on a
        // fresh tape), evaluation does not, so its first pass on a fresh tape allocates less.
        var rng = new Rng(2);
        var layer = new RecurrentLayer<float>(8, new RecurrentSpec { HiddenSize = 64 }, rng);
        var x = new Variable<float>(Tensor.Normal<float>(rng, 0, 1, 16, 50, 8));
        layer.Forward(new Tape<float>(), x);
        long trainingBytes = Allocated(() => layer.Forward(new Tape<float>(), x));
        layer.Eval();
        layer.Forward(new Tape<float>(), x);
        long evaluationBytes = Allocated(() => layer.Forward(new Tape<float>(), x));
        // Training keeps at least the T states h[t] for backward (T·B·H floats); evaluation keeps two state slots.
        Assert.True(trainingBytes - evaluationBytes > 50 * 16 * 64 * sizeof(float), $"training {trainingBytes} B, evaluation {evaluationBytes} B");
    }

    [Fact]
    public void AWarmTrainerStepAllocatesNothing()
    {
        // The trainer adds nothing per step to what the model's own forward and backward allocate (zero, once warm).
        var corpus = CharCorpus.FromText(string.Concat(Enumerable.Repeat("the quick brown fox jumps over the lazy dog. ", 60)), "fox");
        var model = new CharLanguageModel<float>(new CharModelConfig(corpus.Vocabulary.Count, 8, new RecurrentSpec { HiddenSize = 32, Layers = 2 }), new Rng(1));
        var trainer = new Trainer<TextBatch>(model, model.Loss, new TrainerOptions { ClipNorm = 1 });
        var windows = new RandomWindowBatcher(corpus, 8, 16, new Rng(2));
        for (int i = 0; i < 3; i++)
        {
            windows.TryNext(out var warm);
            trainer.TrainStep(warm!);
        }
        windows.TryNext(out var batch);
        long allocated = LeastAllocated(() => trainer.TrainStep(batch!));
        Assert.True(allocated == 0, $"a warm training step allocated {allocated} bytes over all threads");
    }

    /// <summary>
    /// The fewest bytes the process allocated over five runs of <paramref name="action"/>. Other threads of the test
    /// host (a finished test's process-output readers, finalizers) allocate now and then; code that allocates on every
    /// run still shows in the minimum, while that background noise does not.
    /// </summary>
    private static long LeastAllocated(Action action)
    {
        long least = long.MaxValue;
        for (int i = 0; i < 5 && least > 0; i++) least = Math.Min(least, Allocated(action));
        return least;
    }

    private static long Allocated(Action action)
    {
        long before = GC.GetTotalAllocatedBytes(precise: true);
        action();
        return GC.GetTotalAllocatedBytes(precise: true) - before;
    }
}
