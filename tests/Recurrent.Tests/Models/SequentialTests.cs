using Recurrent.Autodiff;
using Recurrent.Cells;
using Recurrent.Data;
using Recurrent.Layers;
using Recurrent.Models;
using Recurrent.Serialization;
using Recurrent.Tensors;
using Recurrent.Tests.Serialization;
using Recurrent.Training;

namespace Recurrent.Tests.Models;

public class SequentialTests
{
    /// <summary>N sequences of T steps, one feature; class 1 when the sum is positive.</summary>
    private static (Tensor<float> X, int[] Y) SumSign(Rng rng, int n, int steps)
    {
        var x = Tensor.Normal<float>(rng, 0, 1, n, steps, 1);
        return (x, Enumerable.Range(0, n).Select(i => Enumerable.Range(0, steps).Sum(t => x[i, t, 0]) > 0 ? 1 : 0).ToArray());
    }

    private static double Accuracy(Sequential<float> model, Tensor<float> x, int[] y)
    {
        var predicted = new int[y.Length];
        model.Predict(x, predicted);
        return predicted.Zip(y).Count(p => p.First == p.Second) / (double)y.Length;
    }

    [Theory]
    [InlineData(SequencePooling.LastStep, false)]
    [InlineData(SequencePooling.Mean, false)]
    [InlineData(SequencePooling.LastStep, true)]
    public void TwoRecurrentStagesLearnAManyToOneTaskWithTheTrainer(SequencePooling pooling, bool bidirectional)
    {
        var rng = new Rng(3);
        var (trainX, trainY) = SumSign(rng, 1024, 12);
        var (testX, testY) = SumSign(rng, 256, 12);
        var config = new SequentialConfig(1, 2,
            [new RecurrentSpec { Cell = CellKind.Gru, HiddenSize = 16, Bidirectional = bidirectional }, new RecurrentSpec { Cell = CellKind.Lstm, HiddenSize = 16 }],
            pooling, FrameEncoderSize: 8);
        var model = new Sequential<float>(config, new Rng(4));
        var trainer = new Trainer<SequenceBatch>(model, model.Loss, new TrainerOptions { Epochs = 6, LearningRate = 1e-2, ClipNorm = 5 });
        var result = trainer.Fit(new SequenceData(trainX, trainY, 32), new SequenceData(testX, testY, 256, shuffle: false));
        Assert.Equal(6, result.Epochs);
        Assert.True(result.Last.ValidationLoss < 0.35, $"validation loss {result.Last.ValidationLoss}");
        Assert.True(Accuracy(model, testX, testY) > 0.85);
    }

    [Fact]
    public void AllStepsTagsEveryStep()
    {
        // N-N: the class of step t is whether the running sum up to t is positive.
        var config = new SequentialConfig(1, 2, [new RecurrentSpec { Cell = CellKind.Gru, HiddenSize = 16 }], SequencePooling.AllSteps);
        var model = new Sequential<float>(config, new Rng(5));
        var data = new Rng(6);
        double loss = TinyTraining.Fit(model, 300, 1e-2, (tape, _) =>
        {
            var x = Tensor.Normal<float>(data, 0, 1, 16, 10, 1);
            var tags = new int[16 * 10];
            for (int b = 0; b < 16; b++)
            {
                float sum = 0;
                for (int t = 0; t < 10; t++) tags[b * 10 + t] = (sum += x[b, t, 0]) > 0 ? 1 : 0;
            }
            return model.Loss(tape, new Variable<float>(x), tags);
        });
        Assert.True(loss < 0.2, $"mean loss of the last 20 steps: {loss}");
        var e = Assert.Throws<InvalidOperationException>(() => model.Loss(new Tape<float>(), new SequenceBatch(2, 10, 1)));
        Assert.Contains("AllSteps", e.Message);
    }

    [Fact]
    public void AnEmbeddingReadsTokenIds()
    {
        // Class 1 when token 3 occurs in the sequence of ids in [0, 6).
        var config = new SequentialConfig(6, 2, [new RecurrentSpec { Cell = CellKind.Lstm, HiddenSize = 16 }], SequencePooling.LastStep, EmbeddingSize: 8);
        var model = new Sequential<float>(config, new Rng(7));
        var data = new Rng(8);
        double loss = TinyTraining.Fit(model, 300, 1e-2, (tape, _) =>
        {
            var x = new Tensor<float>(16, 8, 1);
            var labels = new int[16];
            for (int b = 0; b < 16; b++)
            {
                for (int t = 0; t < 8; t++)
                {
                    int id = data.Next(6);
                    x[b, t, 0] = id;
                    if (id == 3) labels[b] = 1;
                }
            }
            return model.Loss(tape, new Variable<float>(x), labels);
        });
        Assert.True(loss < 0.15, $"mean loss of the last 20 steps: {loss}");
        Assert.Equal("embedding.weight", model.NamedParameters()[0].Name);
    }

    [Fact]
    public void SavesAndLoadsAsAWholeUnderTreeNames()
    {
        var config = new SequentialConfig(3, 4, [new RecurrentSpec { Cell = CellKind.CudnnGru, HiddenSize = 5, Layers = 2 }, new RecurrentSpec { HiddenSize = 6, Bidirectional = true }],
            SequencePooling.Mean, FrameEncoderSize: 7);
        var model = new Sequential<float>(config, new Rng(9));
        Assert.Equal(["frames.weight", "frames.bias", "rnn0.weight_ih_l0"], model.NamedParameters().Take(3).Select(p => p.Name));
        Assert.Equal(["head.weight", "head.bias"], model.NamedParameters().TakeLast(2).Select(p => p.Name));
        Assert.Contains("rnn1.weight_hh_l0_reverse", model.NamedParameters().Select(p => p.Name));
        using var folder = new TemporaryFolder();
        string path = folder.File("sequential.safetensors");
        model.Save(path);

        var loaded = Assert.IsType<Sequential<float>>(Model.Load(path));
        Assert.Equal(System.Text.Json.JsonSerializer.Serialize(config), System.Text.Json.JsonSerializer.Serialize(loaded.Config));
        var x = new Variable<float>(Tensor.Normal<float>(new Rng(10), 0, 1, 2, 5, 3));
        Assert.Equal(model.Forward(new Tape<float>(), x).Value.ToArray(), loaded.Forward(new Tape<float>(), x).Value.ToArray());
    }

    [Fact]
    public void InputAndOutputDropoutActOnlyWhileTraining()
    {
        var spec = new RecurrentSpec { HiddenSize = 6 };
        var plain = new Sequential<float>(new SequentialConfig(5, 3, [spec], EmbeddingSize: 4), new Rng(4));
        var dropped = new Sequential<float>(new SequentialConfig(5, 3, [spec], EmbeddingSize: 4, InputDropout: 0.5, OutputDropout: 0.5), new Rng(4));
        var ids = new Tensor<float>([1, 2, 3, 4, 0, 1, 2, 3], 2, 4, 1);
        float[] Run(Sequential<float> m) => m.Forward(new Tape<float>(), new Variable<float>(ids)).Value.ToArray();
        Assert.NotEqual(Run(plain), Run(dropped)); // training: some inputs and states are zeroed
        plain.Eval();
        dropped.Eval();
        Assert.Equal(Run(plain), Run(dropped)); // evaluation: the same weights compute the same function

        using var folder = new TemporaryFolder();
        string path = folder.File("dropout.safetensors");
        dropped.Save(path);
        var loaded = Assert.IsType<Sequential<float>>(Model.Load(path));
        Assert.Equal((0.5, 0.5), (loaded.Config.InputDropout, loaded.Config.OutputDropout));
        var e = Assert.Throws<ArgumentException>(() => new SequentialConfig(5, 3, [spec], InputDropout: 1).Validate());
        Assert.Contains("InputDropout is 1", e.Message);
    }

    [Fact]
    public void BadConfigurationsNameTheProblem()
    {
        var e = Assert.Throws<ArgumentException>(() => new Sequential<float>(new SequentialConfig(3, 2, []), new Rng(1)));
        Assert.Contains("Recurrent is empty", e.Message);
        e = Assert.Throws<ArgumentException>(() => new Sequential<float>(new SequentialConfig(3, 2, [new RecurrentSpec { HiddenSize = 0 }]), new Rng(1)));
        Assert.Contains("recurrent stage 0's HiddenSize is 0", e.Message);
        e = Assert.Throws<ArgumentException>(() => new Sequential<float>(new SequentialConfig(3, 2, [new RecurrentSpec()], EmbeddingSize: 4, FrameEncoderSize: 4), new Rng(1)));
        Assert.Contains("not both", e.Message);
    }
}
