using System.Diagnostics.CodeAnalysis;
using Recurrent.Autodiff;
using Recurrent.Data;
using Recurrent.Layers;
using Recurrent.Tensors;
using Recurrent.Training;

namespace Recurrent.Tests.Training;

/// <summary>NaN and infinities stop a run with the step and the parameter named, and never reach a checkpoint.</summary>
public class DivergenceTests
{
    /// <summary>mean(tanh(x·Wᵀ + b)): an infinite input keeps the loss finite (tanh(±∞) = ±1) but makes ∂L/∂W = 0·∞ = NaN.</summary>
    private sealed class Probe : Module<float>
    {
        public Probe() => Head = RegisterModule("head", new Linear<float>(3, 2, new Rng(1)));

        public Linear<float> Head { get; }
    }

    /// <summary>Batch s holds ones, or an infinity where <paramref name="badSteps"/> says.</summary>
    private sealed class Inputs(params long[] badSteps) : IBatchSource<InputBatch>
    {
        private long _step = -1;

        public bool TryNext([MaybeNullWhen(false)] out InputBatch batch)
        {
            _step++;
            var x = Tensor.Full(1f, 4, 3);
            if (badSteps.Contains(_step)) x[1, 2] = float.PositiveInfinity;
            batch = new InputBatch(x);
            return true;
        }
    }

    private sealed record InputBatch(Tensor<float> X) : IBatch
    {
        public int Count => X.Dim(0);
    }

    private static Variable<float> Loss(Probe model, Tape<float> tape, InputBatch batch) =>
        tape.Mean(tape.Tanh(model.Head.Forward(tape, new Variable<float>(batch.X))));

    [Fact]
    public void ANonFiniteGradientStopsTheRunNamingTheStepAndTheParameter()
    {
        var model = new Probe();
        using var folder = new Serialization.TemporaryFolder();
        var trainer = new Trainer<InputBatch>(model, (t, b) => Loss(model, t, b),
            new TrainerOptions { Steps = 10, ValidateEverySteps = 1, CheckpointDirectory = folder.Path });
        var e = Assert.Throws<TrainingDivergedException>(() => trainer.Fit(new Inputs(3), new FinitePass()));
        Assert.Equal(3, e.Step);
        Assert.Equal("head.weight", e.Parameter);
        Assert.StartsWith("Training diverged at step 3: the gradient of head.weight is not finite.", e.Message);
        Assert.DoesNotContain('\n', e.Message);

        // The weights are those of step 3, untouched by the bad step, and so is the last checkpoint (written at step 3).
        Assert.All(model.Parameters(), p => Assert.True(p.Value.ToArray().All(float.IsFinite)));
        var last = new Probe();
        Recurrent.Serialization.ModuleFiles.LoadWeights(last, folder.File(Trainer<InputBatch>.LastCheckpoint));
        Assert.Equal(model.Head.Weight.Value.ToArray(), last.Head.Weight.Value.ToArray());
        Assert.Equal(3, Recurrent.Serialization.Checkpoint<float>.Load(folder.File(Trainer<InputBatch>.BestCheckpoint)).Step);
    }

    [Fact]
    public void SkippedStepsLeaveTheWeightsAsTheyWereAndTheRunGoesOn()
    {
        var model = new Probe();
        var trainer = new Trainer<InputBatch>(model, (t, b) => Loss(model, t, b), new TrainerOptions { Steps = 6, SkipNonFinite = 2 });
        var result = trainer.Fit(new Inputs(2, 4));
        Assert.Equal(6, result.Steps);
        Assert.Equal(2, trainer.SkippedSteps);
        Assert.All(model.Parameters(), p => Assert.True(p.Value.ToArray().All(float.IsFinite)));

        // A third bad step is one too many.
        var again = new Probe();
        var strict = new Trainer<InputBatch>(again, (t, b) => Loss(again, t, b), new TrainerOptions { Steps = 6, SkipNonFinite = 2 });
        Assert.Equal(4, Assert.Throws<TrainingDivergedException>(() => strict.Fit(new Inputs(1, 2, 4))).Step);
    }

    [Fact]
    public void ANonFiniteLossIsNamedAndUpdatesNothing()
    {
        var model = new Probe();
        float[] weights = model.Head.Weight.Value.ToArray();
        var trainer = new Trainer<InputBatch>(model, (t, b) => t.Scale(Loss(model, t, b), float.NaN), new TrainerOptions { Steps = 3 });
        var e = Assert.Throws<TrainingDivergedException>(() => trainer.Fit(new Inputs()));
        Assert.Equal(0, e.Step);
        Assert.Null(e.Parameter);
        Assert.Contains("the loss is NaN", e.Message);
        Assert.Equal(weights, model.Head.Weight.Value.ToArray());
    }

    [Fact]
    public void ANaNValidationLossNeverReachesBestOrLast()
    {
        var model = new Probe();
        using var folder = new Serialization.TemporaryFolder();
        var options = new TrainerOptions { Steps = 2, ValidateEverySteps = 1, CheckpointDirectory = folder.Path };
        new Trainer<InputBatch>(model, (t, b) => Loss(model, t, b), options).Fit(new Inputs(), new FinitePass());
        byte[] best = File.ReadAllBytes(folder.File(Trainer<InputBatch>.BestCheckpoint));
        byte[] last = File.ReadAllBytes(folder.File(Trainer<InputBatch>.LastCheckpoint));

        var trainer = new Trainer<InputBatch>(model, (t, b) => Loss(model, t, b), options with { Steps = 4 });
        trainer.Resume(folder.File(Trainer<InputBatch>.LastCheckpoint));
        var e = Assert.Throws<TrainingDivergedException>(() => trainer.Fit(new Inputs(), new FinitePass(nan: true)));
        Assert.Contains("the validation loss is NaN", e.Message);
        Assert.Equal(best, File.ReadAllBytes(folder.File(Trainer<InputBatch>.BestCheckpoint)));
        Assert.Equal(last, File.ReadAllBytes(folder.File(Trainer<InputBatch>.LastCheckpoint)));
    }

    /// <summary>One validation batch per pass, with a NaN input if asked.</summary>
    private sealed class FinitePass(bool nan = false) : IBatchSource<InputBatch>
    {
        private bool _given;

        public bool TryNext([MaybeNullWhen(false)] out InputBatch batch)
        {
            batch = null;
            if (_given) return _given = false;
            _given = true;
            var x = Tensor.Full(1f, 2, 3);
            if (nan) x[0, 0] = float.NaN;
            batch = new InputBatch(x);
            return true;
        }
    }

    [Fact]
    public void ASecondRunOnTheSameDirectoryIsRefused()
    {
        var model = new Probe();
        using var folder = new Serialization.TemporaryFolder();
        var trainer = new Trainer<InputBatch>(model, (t, b) => Loss(model, t, b), new TrainerOptions { Steps = 2, CheckpointDirectory = folder.Path });
        using (RunDirectoryLock.Acquire(folder.Path))
        {
            var e = Assert.Throws<IOException>(() => trainer.Fit(new Inputs()));
            Assert.Contains("is in use by another training run", e.Message);
            Assert.DoesNotContain(folder.Files(), f => f.EndsWith(".safetensors", StringComparison.Ordinal));
        }
        Assert.Equal(2, trainer.Fit(new Inputs()).Steps);
    }
}
