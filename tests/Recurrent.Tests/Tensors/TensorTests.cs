using Recurrent.Tensors;

namespace Recurrent.Tests.Tensors;

public class TensorTests
{
    [Fact]
    public void IndexesRowMajor()
    {
        var t = Tensor.FromArray<float>([0, 1, 2, 3, 4, 5], 2, 3);
        Assert.Equal(5f, t[1, 2]);
        Assert.Equal(3f, t[1, 0]);
        var u = t.Reshape(3, 1, 2);
        Assert.Equal(3f, u[1, 0, 1]);
        u[2, 0, 0] = 40;
        Assert.Equal(40f, t[1, 1]); // a view shares storage
    }

    [Fact]
    public void ReshapeInfersOneDimensionAndChecksLength()
    {
        var t = new Tensor<double>(4, 6);
        Assert.Equal([2, 12], t.Reshape(2, -1).Shape.ToArray());
        var e = Assert.Throws<ArgumentException>(() => t.Reshape(5, 5));
        Assert.Contains("(4, 6)", e.Message);
        Assert.Contains("(5, 5)", e.Message);
    }

    [Fact]
    public void RowsIsAViewOfTheFirstDimension()
    {
        var t = Tensor.FromArray<float>([0, 1, 2, 3, 4, 5, 6, 7], 4, 2);
        var r = t.Rows(1, 2);
        Assert.Equal([2f, 3f, 4f, 5f], r.ToArray());
        r[0, 0] = -1;
        Assert.Equal(-1f, t[1, 0]);
        Assert.Throws<ArgumentOutOfRangeException>(() => t.Rows(3, 2));
    }

    [Fact]
    public void RejectsNegativeDimensionsAndShortStorage()
    {
        Assert.Throws<ArgumentException>(() => new Tensor<float>(2, -1));
        var e = Assert.Throws<ArgumentException>(() => new Tensor<float>(new float[5], 2, 3));
        Assert.Contains("needs 6 elements", e.Message);
        Assert.Throws<IndexOutOfRangeException>(() => new Tensor<float>(2, 2)[2, 0]);
    }

    [Fact]
    public void ConvertChangesPrecision()
    {
        var t = Tensor.FromArray<float>([0.5f, -1.25f], 2);
        var d = t.Convert<double>();
        Assert.Equal([0.5, -1.25], d.ToArray());
    }
}
