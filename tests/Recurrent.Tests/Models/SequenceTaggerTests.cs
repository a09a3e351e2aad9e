using Recurrent.Autodiff;
using Recurrent.Cells;
using Recurrent.Layers;
using Recurrent.Models;
using Recurrent.Tensors;

namespace Recurrent.Tests.Models;

public class SequenceTaggerTests
{
    private const int Symbols = 3;

    /// <summary>One-hot symbols; the label of step t is the symbol at step t + shift (0 past the end).</summary>
    private static (Tensor<float> X, int[] Labels) ShiftBatch(Rng rng, int batch, int steps, int shift)
    {
        var symbols = new int[batch * steps];
        var x = new Tensor<float>(batch, steps, Symbols);
        for (int i = 0; i < symbols.Length; i++)
        {
            symbols[i] = rng.Next(Symbols);
            x.Span[i * Symbols + symbols[i]] = 1;
        }
        var labels = new int[batch * steps];
        for (int b = 0; b < batch; b++)
        {
            for (int t = 0; t < steps; t++)
            {
                int s = t + shift;
                labels[b * steps + t] = s >= 0 && s < steps ? symbols[b * steps + s] : 0;
            }
        }
        return (x, labels);
    }

    [Fact]
    public void LearnsToEchoThePreviousSymbol()
    {
        var model = new SequenceTagger<float>(new SequenceTaggerConfig(Symbols, Symbols, new RecurrentSpec { Cell = CellKind.Elman, HiddenSize = 16 }), new Rng(1));
        var rng = new Rng(2);
        double loss = TinyTraining.Fit(model, 200, 0.02, (tape, _) =>
        {
            var (x, labels) = ShiftBatch(rng, 16, 8, -1);
            return model.Loss(tape, new Variable<float>(x), labels);
        });
        Assert.True(loss < 0.1, $"cross-entropy {loss:F3}; expected < 0.1 (chance is ln 3 = 1.10)");
    }

    [Fact]
    public void OnlyABidirectionalTaggerCanLabelAStepWithTheNextSymbol()
    {
        double Train(bool bidirectional)
        {
            var model = new SequenceTagger<float>(new SequenceTaggerConfig(Symbols, Symbols, new RecurrentSpec { Cell = CellKind.Gru, HiddenSize = 16, Bidirectional = bidirectional }), new Rng(3));
            var rng = new Rng(4);
            return TinyTraining.Fit(model, 200, 0.02, (tape, _) =>
            {
                var (x, labels) = ShiftBatch(rng, 16, 8, +1);
                return model.Loss(tape, new Variable<float>(x), labels);
            });
        }
        double both = Train(true), forward = Train(false);
        Assert.True(both < 0.1, $"bidirectional cross-entropy {both:F3}; expected < 0.1");
        Assert.True(forward > 0.8, $"forward-only cross-entropy {forward:F3}; it cannot see the next symbol, so expected > 0.8 (≈ (7/8)·ln 3)");
    }

    [Fact]
    public void PaddedStepsDoNotCountInTheLoss()
    {
        var model = new SequenceTagger<float>(new SequenceTaggerConfig(Symbols, Symbols, new RecurrentSpec { Cell = CellKind.Lstm, HiddenSize = 8, Bidirectional = true }), new Rng(5));
        var (x, labels) = ShiftBatch(new Rng(6), 1, 6, 0);
        var trimmed = Tensor.FromArray<float>(x.Span[..(4 * Symbols)], 1, 4, Symbols);
        float full = model.Loss(new Tape<float>(), new Variable<float>(x), labels, [4]).Value[0];
        float alone = model.Loss(new Tape<float>(), new Variable<float>(trimmed), labels.AsSpan(0, 4)).Value[0];
        Assert.Equal(alone, full, 5);
    }

    [Fact]
    public void AJordanTaggerWhosePredictionIsFedBackLearnsARunningCount()
    {
        // y[t] = (y[t−1] + x[t]) mod 3 with bits x: the previous prediction is exactly the state the task needs.
        var spec = new RecurrentSpec { Cell = CellKind.Jordan, HiddenSize = 16, CellOutputSize = 3, OutputActivation = Activation.Identity };
        var model = new SequenceTagger<float>(new SequenceTaggerConfig(2, 3, spec, CellOutputIsPrediction: true), new Rng(7));
        Assert.Null(model.Head);
        var rng = new Rng(8);
        double loss = TinyTraining.Fit(model, 400, 0.01, (tape, _) =>
        {
            var x = new Tensor<float>(16, 10, 2);
            var labels = new int[16 * 10];
            for (int b = 0; b < 16; b++)
            {
                int sum = 0;
                for (int t = 0; t < 10; t++)
                {
                    int bit = rng.Next(2);
                    x[b, t, bit] = 1;
                    labels[b * 10 + t] = sum = (sum + bit) % 3;
                }
            }
            return model.Loss(tape, new Variable<float>(x), labels);
        });
        Assert.True(loss < 0.1, $"cross-entropy {loss:F3}; expected < 0.1 (chance is ln 3 = 1.10)");
    }

    [Fact]
    public void ACellWithoutAnOutputLayerCannotBeThePrediction()
    {
        var e = Assert.Throws<ArgumentException>(() => new SequenceTaggerConfig(2, 3, new RecurrentSpec { Cell = CellKind.Lstm, HiddenSize = 8 }, CellOutputIsPrediction: true).Validate());
        Assert.Contains("CellOutputSize = Classes = 3", e.Message);
    }
}
