using System.Numerics.Tensors;
using Recurrent.Cells;
using Recurrent.Layers;
using Recurrent.Lecture.Data.Synthetic;
using Recurrent.Lecture.Experiments;
using Recurrent.Models;
using Recurrent.Tensors;

namespace Recurrent.Tests.Lecture.Experiments;

public class GradientProbeTests
{
    [Theory]
    [InlineData(CellKind.Elman)]
    [InlineData(CellKind.Lstm)]
    public void TheGradientAtTheLastStepIsTheHeadsOwn(CellKind cell)
    {
        // L = (1/B)·Σ_b (w·h_b + c − y_b)², so ∂L/∂h_b = (2/B)·(ŷ_b − y_b)·w at the last step, whatever the cell.
        var model = new SequenceClassifier<float>(new SequenceClassifierConfig(2, 1, new RecurrentSpec { Cell = cell, HiddenSize = 5 }), new Rng(1));
        var (x, y) = new AddingProblem(12).Sample(new Rng(2), 4);
        double[] norms = GradientProbe.Norms(model, x, y);
        var prediction = new float[4];
        var tape = new Recurrent.Autodiff.Tape<float>();
        model.Forward(tape, new Recurrent.Autodiff.Variable<float>(x)).Value.Span.CopyTo(prediction);
        double w = TensorPrimitives.Norm<float>(model.Head.Weight.Value.Span), expected = 0;
        for (int b = 0; b < 4; b++) expected += Math.Abs(2.0 / 4 * (prediction[b] - y[b, 0])) * w / 4;
        Assert.Equal(expected, norms[0], 5);
        Assert.Equal(12, norms.Length);
    }

    [Fact]
    public void TheBasicCellsGradientVanishesWithDistance()
    {
        var model = new SequenceClassifier<float>(new SequenceClassifierConfig(2, 1, new RecurrentSpec { Cell = CellKind.Elman, HiddenSize = 16 }), new Rng(3));
        var (x, y) = new AddingProblem(40).Sample(new Rng(4), 8);
        double[] norms = GradientProbe.Norms(model, x, y);
        Assert.True(norms[30] < 1e-3 * norms[0], $"‖∂L/∂h‖ at distance 30 is {norms[30]:G3}, at 0 {norms[0]:G3}; expected a geometric decay by orders of magnitude");
    }
}
