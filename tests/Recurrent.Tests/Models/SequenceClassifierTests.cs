using Recurrent.Serialization;
using Recurrent.Autodiff;
using Recurrent.Cells;
using Recurrent.Layers;
using Recurrent.Models;
using Recurrent.Tensors;
using Recurrent.Tests.Serialization;

namespace Recurrent.Tests.Models;

public class SequenceClassifierTests
{
    /// <summary>Class = sign of the first value of the sequence: only a model that remembers it to the end can tell.</summary>
    internal static (Tensor<float> X, int[] Labels, int[] Lengths) FirstSignBatch(Rng rng, int batch, int steps)
    {
        var x = Tensor.Uniform<float>(rng, -1, 1, batch, steps, 1);
        var labels = new int[batch];
        var lengths = new int[batch];
        for (int b = 0; b < batch; b++)
        {
            labels[b] = x[b, 0, 0] > 0 ? 1 : 0;
            lengths[b] = 2 + rng.Next(steps - 1);
        }
        return (x, labels, lengths);
    }

    [Theory]
    [InlineData(TimePooling.LastStep, CellKind.Gru)]
    [InlineData(TimePooling.Mean, CellKind.Lstm)]
    public void LearnsToRememberTheFirstValueOfVariableLengthSequences(TimePooling pooling, CellKind cell)
    {
        var model = new SequenceClassifier<float>(new SequenceClassifierConfig(1, 2, new RecurrentSpec { Cell = cell, HiddenSize = 16 }, pooling), new Rng(1));
        var rng = new Rng(2);
        double loss = TinyTraining.Fit(model, 250, 0.02, (tape, _) =>
        {
            var (x, labels, lengths) = FirstSignBatch(rng, 32, 6);
            return model.Loss(tape, new Variable<float>(x), labels, lengths);
        });
        Assert.True(loss < 0.15, $"cross-entropy {loss:F3} after 250 steps; expected < 0.15 (chance is ln 2 = 0.69)");

        var (tx, tl, tlen) = FirstSignBatch(new Rng(3), 200, 6);
        var predicted = new int[200];
        model.Predict(tx, predicted, tlen);
        Assert.True(predicted.Zip(tl).Count(p => p.First == p.Second) >= 190, "fewer than 95% of held-out sequences classified right");
    }

    [Theory]
    [InlineData(TimePooling.LastStep, false)]
    [InlineData(TimePooling.LastStep, true)]
    [InlineData(TimePooling.Mean, true)]
    public void APaddedSequenceGetsTheScoresItGetsAlone(TimePooling pooling, bool bidirectional)
    {
        var model = new SequenceClassifier<float>(
            new SequenceClassifierConfig(3, 4, new RecurrentSpec { Cell = CellKind.Lstm, HiddenSize = 8, Bidirectional = bidirectional }, pooling, FrameEncoderSize: 5), new Rng(4));
        var rng = new Rng(5);
        var batch = Tensor.Uniform<float>(rng, -1, 1, 2, 6, 3);
        var alone = Tensor.FromArray<float>(batch.Span[..(4 * 3)], 1, 4, 3); // sequence 0, its 4 valid steps only
        var padded = model.Forward(new Tape<float>(), new Variable<float>(batch), [4, 6]).Value.ToArray();
        var single = model.Forward(new Tape<float>(), new Variable<float>(alone)).Value.ToArray();
        for (int v = 0; v < 4; v++) Assert.Equal(single[v], padded[v], 5);
    }

    [Fact]
    public void SavesAndLoadsItsWeightsAndConfiguration()
    {
        var config = new SequenceClassifierConfig(2, 3, new RecurrentSpec { Cell = CellKind.Gru, HiddenSize = 6, Layers = 2 }, TimePooling.Mean);
        var model = new SequenceClassifier<float>(config, new Rng(6));
        var x = Tensor.Uniform<float>(new Rng(7), -1, 1, 2, 5, 2);
        using var folder = new TemporaryFolder();
        model.Save(folder.File("classifier.safetensors"));
        var loaded = SequenceClassifier<float>.Load(folder.File("classifier.safetensors"));
        Assert.Equal(config, loaded.Config);
        Assert.Equal(model.Forward(new Tape<float>(), new Variable<float>(x)).Value.ToArray(), loaded.Forward(new Tape<float>(), new Variable<float>(x)).Value.ToArray());
        var e = Assert.Throws<InvalidDataException>(() => SequenceTagger<float>.Load(folder.File("classifier.safetensors")));
        Assert.Contains("classifier.safetensors: the file holds a 'sequence-classifier' model; expected a SequenceTagger.", e.Message);
    }
}
