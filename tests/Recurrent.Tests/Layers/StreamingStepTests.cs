using Recurrent.Autodiff;
using Recurrent.Cells;
using Recurrent.Layers;
using Recurrent.Tensors;

namespace Recurrent.Tests.Layers;

/// <summary>Streaming one step at a time, with the caller holding the state, equals running the whole sequence.</summary>
public class StreamingStepTests
{
    [Theory]
    [InlineData(CellKind.Lstm, true)]
    [InlineData(CellKind.Lstm, false)]
    [InlineData(CellKind.Gru, true)]
    [InlineData(CellKind.CudnnGru, true)]
    [InlineData(CellKind.Elman, true)]
    [InlineData(CellKind.Jordan, false)]
    [InlineData(CellKind.ElmanJordan, false)]
    public void StepByStepEqualsTheWholeSequence(CellKind kind, bool fused)
    {
        const int batch = 3, steps = 6, input = 5;
        var spec = new RecurrentSpec
        {
            Cell = kind, HiddenSize = 7, Layers = 2, CellOutputSize = kind is CellKind.Jordan or CellKind.ElmanJordan ? 4 : null,
        };
        var layer = new RecurrentLayer<float>(input, spec, new Rng(9)) { UseFusedKernels = fused };
        var x = Tensor.Normal<float>(new Rng(10), 0, 1, batch, steps, input);
        StreamingAssert.StepsEqualForward(layer, x);
    }

    [Fact]
    public void WarmStepAllocatesNothing()
    {
        var layer = new RecurrentLayer<float>(16, new RecurrentSpec { Cell = CellKind.Lstm, HiddenSize = 32, Layers = 2 }, new Rng(1));
        var state = layer.CreateState(1);
        var x = new float[16];
        var y = new float[32];
        for (int i = 0; i < 3; i++) layer.Step(x, state, y);
        long before = GC.GetAllocatedBytesForCurrentThread();
        for (int i = 0; i < 10; i++) layer.Step(x, state, y);
        Assert.Equal(0, GC.GetAllocatedBytesForCurrentThread() - before);
    }

    [Fact]
    public void BidirectionalCannotStreamAndSizesAreChecked()
    {
        var bidir = new RecurrentLayer<float>(2, new RecurrentSpec { Cell = CellKind.Gru, HiddenSize = 3, Bidirectional = true }, new Rng(1));
        Assert.Throws<InvalidOperationException>(() => bidir.Step(new float[2], bidir.CreateState(1), new float[6]));
        var layer = new RecurrentLayer<float>(2, new RecurrentSpec { Cell = CellKind.Gru, HiddenSize = 3 }, new Rng(1));
        var e = Assert.Throws<ArgumentException>(() => layer.Step(new float[3], layer.CreateState(1), new float[3]));
        Assert.Contains("expected B × InputSize = 1 × 2", e.Message);
    }
}
