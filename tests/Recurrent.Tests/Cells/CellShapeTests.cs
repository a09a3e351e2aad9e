using Recurrent.Autodiff;
using Recurrent.Cells;
using Recurrent.Tensors;

namespace Recurrent.Tests.Cells;

public class CellShapeTests
{
    [Fact]
    public void WrongInputWidthNamesTheExpectedSize()
    {
        var cell = new LstmCell<float>(8, 4, new Rng(1));
        var x = new Variable<float>(new Tensor<float>(2, 7));
        var state = new[] { new Variable<float>(new Tensor<float>(2, 4)), new Variable<float>(new Tensor<float>(2, 4)) };
        var e = Assert.Throws<ArgumentException>(() => cell.Step(new Tape<float>(), x, state));
        Assert.Equal("x", e.ParamName);
        Assert.Contains("x has 7 features per row; this cell expects InputSize = 8", e.Message);
    }

    [Fact]
    public void WrongStateSizeNamesTheExpectedShape()
    {
        var cell = new GruCell<float>(3, 6, new Rng(1));
        var e = Assert.Throws<ArgumentException>(() =>
            cell.Step(new Tape<float>(), new Variable<float>(new Tensor<float>(2, 3)), [new Variable<float>(new Tensor<float>(2, 5))]));
        Assert.Equal("state", e.ParamName);
        Assert.Contains("state h has shape (2, 5); this cell expects (B = 2, 6)", e.Message);
    }

    [Fact]
    public void JordanNeedsAnOutputSize()
    {
        var e = Assert.Throws<ArgumentOutOfRangeException>(() => new JordanCell<float>(3, 4, 0, new Rng(1)));
        Assert.Equal("outputSize", e.ParamName);
    }
}
