using Recurrent.Autodiff;
using Recurrent.Cells;
using Recurrent.Layers;
using Recurrent.Losses;
using Recurrent.Optimizers;
using Recurrent.Serialization;
using Recurrent.Tensors;
using Recurrent.Training;

namespace Recurrent.Tests.Serialization;

public class CheckpointTests
{
    /// <summary>
    /// A small LSTM trained with AdamW, clipping and a warm-up cosine schedule on data drawn from an Rng: six steps in
    /// one go, or three steps, a checkpoint, a fresh process (other seeds everywhere), a restore and three more steps.
    /// The weights must end identical, bit for bit.
    /// </summary>
    [Fact]
    public void TrainingResumesBitForBit()
    {
        using var folder = new TemporaryFolder();
        string path = folder.File("run.safetensors");
        var schedule = new WarmupCosineSchedule(0.05, warmupSteps: 2, totalSteps: 6);

        var straight = new Run(seed: 1);
        for (long step = 0; step < 6; step++) straight.Train(schedule, step);

        var before = new Run(seed: 1);
        for (long step = 0; step < 3; step++) before.Train(schedule, step);
        var checkpoint = new Checkpoint<float>(before.Model.StateDict(), before.Optimizer.StateDict())
        {
            Step = 3,
            Model = new ModelDescription("test-lstm", """{"input": 3, "hidden": 5}"""),
        };
        checkpoint.RngStates["data"] = before.Data.State;
        checkpoint.Save(path);

        var after = new Run(seed: 99);
        var loaded = Checkpoint<float>.Load(path);
        loaded.Restore(after.Model, after.Optimizer);
        after.Data.State = loaded.RngStates["data"];
        for (long step = loaded.Step; step < 6; step++) after.Train(schedule, step);

        foreach (var ((name, expected), (_, actual)) in straight.Model.NamedParameters().Zip(after.Model.NamedParameters()))
        {
            Assert.True(expected.Value.ToArray().SequenceEqual(actual.Value.ToArray()), $"{name} differs after resuming");
        }
    }

    [Fact]
    public void MetadataAndNamesRoundTrip()
    {
        using var folder = new TemporaryFolder();
        string path = folder.File("ckpt.safetensors");
        var run = new Run(seed: 2);
        run.Train(new ConstantSchedule(0.01), 0);
        var checkpoint = new Checkpoint<float>(run.Model.StateDict(), run.Optimizer.StateDict()) { Step = 12_345_678_901, Model = new ModelDescription("test", "{\"hidden\": 5}", new Dictionary<string, string> { ["vocabulary"] = "ab" }) };
        checkpoint.RngStates["data"] = [ulong.MaxValue, 0, 1, 0x0123_4567_89AB_CDEF, 5, 6];
        checkpoint.Metadata["best_loss"] = "0.125";
        checkpoint.Save(path);

        var loaded = Checkpoint<float>.Load(path);
        Assert.Equal(12_345_678_901, loaded.Step);
        Assert.Equal("test", loaded.Model!.Kind);
        Assert.Equal("{\"hidden\": 5}", loaded.Model.Config);
        Assert.Equal("ab", loaded.Model.Metadata!["vocabulary"]);
        Assert.Equal(checkpoint.RngStates["data"], loaded.RngStates["data"]);
        Assert.Equal("0.125", loaded.Metadata["best_loss"]);
        Assert.Equal(path, loaded.Source);
        Assert.Equal("AdamW", loaded.Optimizer!.Kind);
        Assert.Equal(1, loaded.Optimizer.Steps["weight_ih_l0"]);

        // As PyTorch sees it: the parameters under their own names, the optimizer's state under a prefix.
        var file = SafetensorsFile.Read(path);
        Assert.Contains("weight_ih_l0", file.Entries.Select(e => e.Name));
        Assert.Contains("optimizer.weight_ih_l0.exp_avg_sq", file.Entries.Select(e => e.Name));
        Assert.Equal(SafetensorsDType.F32, file.Entry("weight_hh_l0").DType);
        Assert.Equal("1", file.Metadata["optimizer.bias_hh_l0.step"]);
    }

    [Fact]
    public void AModelOfAnotherShapeIsRefusedByName()
    {
        using var folder = new TemporaryFolder();
        string path = folder.File("elman.safetensors");
        var small = new RecurrentLayer<float>(64, new RecurrentSpec { Cell = CellKind.Elman, HiddenSize = 512 }, new Rng(3));
        new Checkpoint<float>(small.StateDict()).Save(path);

        var large = new RecurrentLayer<float>(64, new RecurrentSpec { Cell = CellKind.Elman, HiddenSize = 1024 }, new Rng(4));
        float[] untouched = large.NamedParameters()[0].Parameter.Value.ToArray();
        var e = Assert.Throws<InvalidDataException>(() => Checkpoint<float>.Load(path).Restore(large));
        Assert.Equal($"{path}: checkpoint has weight_ih_l0 (512, 64); this model expects (1024, 64).", e.Message);
        Assert.Equal(untouched, large.NamedParameters()[0].Parameter.Value.ToArray());
    }

    [Fact]
    public void MissingExtraAndOptimizerMismatchesAreNamed()
    {
        var run = new Run(seed: 5);
        run.Train(new ConstantSchedule(0.01), 0);
        var parameters = run.Model.StateDict();
        var withoutOne = new Dictionary<string, Tensor<float>>(parameters);
        withoutOne.Remove("bias_hh_l0");
        var withExtra = new Dictionary<string, Tensor<float>>(parameters) { ["decoder.weight"] = new(2, 5) };

        Assert.Contains("checkpoint has no bias_hh_l0; this model expects bias_hh_l0 (20)",
            Assert.Throws<InvalidDataException>(() => new Checkpoint<float>(withoutOne).Restore(run.Model)).Message);
        Assert.Contains("checkpoint has decoder.weight (2, 5), which this model does not have",
            Assert.Throws<InvalidDataException>(() => new Checkpoint<float>(withExtra).Restore(run.Model)).Message);
        Assert.Contains("checkpoint has no optimizer state; this run's optimizer is AdamW",
            Assert.Throws<InvalidDataException>(() => new Checkpoint<float>(parameters).Restore(run.Model, run.Optimizer)).Message);
        var sgd = new Sgd<float>(run.Model.NamedParameters());
        Assert.Contains("the optimizer state is AdamW's; this optimizer is SGD",
            Assert.Throws<InvalidDataException>(() => new Checkpoint<float>(parameters, run.Optimizer.StateDict()).Restore(run.Model, sgd)).Message);
    }

    [Fact]
    public void APlainWeightsFileLoadsAsACheckpoint()
    {
        using var folder = new TemporaryFolder();
        string path = folder.File("weights.safetensors");
        var model = new RecurrentLayer<float>(3, new RecurrentSpec { Cell = CellKind.Gru, HiddenSize = 4 }, new Rng(6));
        var writer = new SafetensorsWriter();
        foreach (var (name, tensor) in model.StateDict()) writer.Add(name, tensor.Convert<double>());
        writer.Save(path);

        var loaded = Checkpoint<float>.Load(path);
        Assert.Equal(0, loaded.Step);
        Assert.Null(loaded.Optimizer);
        var copy = new RecurrentLayer<float>(3, new RecurrentSpec { Cell = CellKind.Gru, HiddenSize = 4 }, new Rng(7));
        loaded.Restore(copy);
        foreach (var ((_, a), (_, b)) in model.NamedParameters().Zip(copy.NamedParameters())) Assert.Equal(a.Value.ToArray(), b.Value.ToArray());
    }

    /// <summary>One training run's mutable pieces: the model, its optimizer, the tape and the data generator.</summary>
    private sealed class Run
    {
        private readonly Tape<float> _tape = new();

        public Run(ulong seed)
        {
            Model = new RecurrentLayer<float>(3, new RecurrentSpec { Cell = CellKind.Lstm, HiddenSize = 5 }, new Rng(seed));
            Optimizer = new AdamW<float>(Model.NamedParameters(), new AdamOptions { WeightDecay = 0.1 });
            Data = new Rng(seed + 1000);
        }

        public RecurrentLayer<float> Model { get; }

        public AdamW<float> Optimizer { get; }

        public Rng Data { get; }

        public void Train(ILearningRateSchedule schedule, long step)
        {
            var x = new Variable<float>(Tensor.Normal<float>(Data, 0, 1, 2, 4, 3));
            var target = Tensor.Uniform<float>(Data, -1, 1, 2, 4, 5);
            _tape.Reset();
            Optimizer.ZeroGrad();
            _tape.Backward(_tape.MeanSquaredError(Model.Forward(_tape, x).Output, target));
            GradientClipping.ClipByGlobalNorm(Optimizer.Parameters, maxNorm: 0.5);
            Optimizer.LearningRate = schedule.At(step);
            Optimizer.Step();
        }
    }
}
