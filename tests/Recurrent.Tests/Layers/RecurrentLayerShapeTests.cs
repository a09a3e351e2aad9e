using Recurrent.Autodiff;
using Recurrent.Cells;
using Recurrent.Layers;
using Recurrent.Tensors;

namespace Recurrent.Tests.Layers;

public class RecurrentLayerShapeTests
{
    private static readonly Tape<float> Tape = new();

    private static RecurrentLayer<float> Lstm(int layers = 2, bool bidirectional = true) =>
        new(8, new RecurrentSpec { Cell = CellKind.Lstm, HiddenSize = 5, Layers = layers, Bidirectional = bidirectional }, new Rng(1));

    [Fact]
    public void NamesParametersAsPyTorch()
    {
        var names = Lstm().NamedParameters().Select(p => p.Name).ToArray();
        Assert.Equal(
        [
            "weight_ih_l0", "weight_hh_l0", "bias_ih_l0", "bias_hh_l0",
            "weight_ih_l0_reverse", "weight_hh_l0_reverse", "bias_ih_l0_reverse", "bias_hh_l0_reverse",
            "weight_ih_l1", "weight_hh_l1", "bias_ih_l1", "bias_hh_l1",
            "weight_ih_l1_reverse", "weight_hh_l1_reverse", "bias_ih_l1_reverse", "bias_hh_l1_reverse",
        ], names);
        Assert.Equal([20, 10], Lstm().NamedParameters().Single(p => p.Name == "weight_ih_l1").Parameter.Shape.ToArray());
    }

    [Fact]
    public void OutputAndStateShapes()
    {
        var result = Lstm().Forward(Tape, new Variable<float>(new Tensor<float>(3, 7, 8)));
        Assert.Equal([3, 7, 10], result.Output.Shape.ToArray());
        Assert.Equal([4, 3, 5], result.FinalState[0].Shape.ToArray());
        Assert.Equal([4, 3, 5], result.FinalState[1].Shape.ToArray());
    }

    [Fact]
    public void WrongInputWidth()
    {
        var e = Assert.Throws<ArgumentException>(() => Lstm().Forward(Tape, new Variable<float>(new Tensor<float>(3, 7, 6))));
        Assert.Equal("x", e.ParamName);
        Assert.Contains("x has 6 features per step; this layer expects InputSize = 8", e.Message);
    }

    [Fact]
    public void WrongStateSize()
    {
        var x = new Variable<float>(new Tensor<float>(3, 7, 8));
        var h0 = new Variable<float>(new Tensor<float>(4, 3, 6));
        var c0 = new Variable<float>(new Tensor<float>(4, 3, 5));
        var e = Assert.Throws<ArgumentException>(() => Lstm().Forward(Tape, x, [h0, c0]));
        Assert.Equal("initialState", e.ParamName);
        Assert.Contains("initial state h has shape (4, 3, 6); expected (L·D, B, 5) = (4, 3, 5)", e.Message);
        var e2 = Assert.Throws<ArgumentException>(() => Lstm().Forward(Tape, x, [c0]));
        Assert.Contains("expects 2 (h, c)", e2.Message);
    }

    [Fact]
    public void LengthAboveT()
    {
        var x = new Variable<float>(new Tensor<float>(3, 7, 8));
        var e = Assert.Throws<ArgumentException>(() => Lstm().Forward(Tape, x, null, [7, 8, 1]));
        Assert.Equal("lengths", e.ParamName);
        Assert.Contains("lengths[1] = 8 is outside [1, T = 7]", e.Message);
        Assert.Throws<ArgumentException>(() => Lstm().Forward(Tape, x, null, [7, 0, 1]));
        Assert.Throws<ArgumentException>(() => Lstm().Forward(Tape, x, null, [7, 1]));
    }

    [Fact]
    public void MissingOrMisshapenPyTorchWeight()
    {
        var layer = Lstm(layers: 1, bidirectional: false);
        var weights = layer.StateDict().ToDictionary(p => p.Key, p => p.Value.Clone());
        weights.Remove("bias_hh_l0");
        var e = Assert.Throws<ArgumentException>(() => layer.LoadStateDict(weights));
        Assert.Equal("values", e.ParamName);
        Assert.Contains("'bias_hh_l0' is missing; expected a tensor of shape (20)", e.Message);
        weights["bias_hh_l0"] = new Tensor<float>(19);
        var e2 = Assert.Throws<ArgumentException>(() => layer.LoadStateDict(weights));
        Assert.Contains("'bias_hh_l0' has shape (19); expected (20)", e2.Message);
        weights["bias_hh_l0"] = new Tensor<float>(20);
        weights["weight_ih_l7"] = new Tensor<float>(1);
        Assert.Contains("weight_ih_l7", Assert.Throws<ArgumentException>(() => layer.LoadStateDict(weights)).Message);
    }
}
