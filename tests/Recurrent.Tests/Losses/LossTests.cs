using Recurrent.Autodiff;
using Recurrent.Losses;
using Recurrent.Tensors;
using static Recurrent.Tests.Autodiff.GradAssert;

namespace Recurrent.Tests.Losses;

/// <summary>Each loss against finite differences in double precision and against a value computed by hand.</summary>
public class LossTests
{
    private static readonly double[] RowMask = [1, 0, 0.5, 1, 1, 0];
    private static readonly double[] ElementMask = [1, 0, 1, 1, 0.25, 1, 0, 0, 1, 1, 1, 0, 1, 1, 1, 1, 0, 1, 1, 1, 1, 1, 1, 0.5];

    [Theory]
    [InlineData(false, false)]
    [InlineData(true, false)]
    [InlineData(false, true)]
    public void MeanSquaredErrorGradient(bool rowMask, bool elementMask)
    {
        var rng = new Rng(21);
        var yHat = Param(rng, "yHat", 2, 3, 4);
        var y = Random(rng, 2, 3, 4);
        double[] mask = rowMask ? RowMask : elementMask ? ElementMask : [];
        Check(t => t.MeanSquaredError(yHat, y, mask), yHat);
        // Scaled upstream gradient: the backward multiplies by dL rather than assuming 1.
        Check(t => t.Scale(t.MeanSquaredError(yHat, y, mask), -3.0), yHat);
    }

    [Theory]
    [InlineData(false, false)]
    [InlineData(true, false)]
    [InlineData(false, true)]
    public void BinaryCrossEntropyWithLogitsGradient(bool rowMask, bool elementMask)
    {
        var rng = new Rng(22);
        var z = Param(rng, "z", 2, 3, 4);
        foreach (ref double v in z.Value.Span) v *= 4;
        var y = Tensor.Uniform<double>(rng, 0, 1, 2, 3, 4);
        double[] mask = rowMask ? RowMask : elementMask ? ElementMask : [];
        Check(t => t.BinaryCrossEntropyWithLogits(z, y, mask), z);
        Check(t => t.Scale(t.BinaryCrossEntropyWithLogits(z, y, mask), 0.5), z);
    }

    [Fact]
    public void MeanSquaredErrorValue()
    {
        // ŷ − y = [1, −2, 0.5, 3] as two rows of two features.
        var yHat = new Variable<double>(Tensor.FromArray<double>([2, 0, 1.5, 3], 2, 2));
        var y = Tensor.FromArray<double>([1, 2, 1, 0], 2, 2);
        Assert.Equal((1 + 4 + 0.25 + 9) / 4.0, new Tape<double>().MeanSquaredError(yHat, y).Value[0], 14);
        // Row mask [0.5, 1]: (0.5·(1 + 4) + (0.25 + 9)) / (2 features · 1.5).
        Assert.Equal((0.5 * 5 + 9.25) / 3.0, new Tape<double>().MeanSquaredError(yHat, y, [0.5, 1]).Value[0], 14);
        // Element mask [1, 0, 0, 1]: (1 + 9) / 2.
        Assert.Equal(5.0, new Tape<double>().MeanSquaredError(yHat, y, [1, 0, 0, 1]).Value[0], 14);
        Assert.Equal(0.0, new Tape<double>().MeanSquaredError(yHat, y, [0, 0]).Value[0]);
    }

    [Fact]
    public void MeanSquaredErrorGradientIsTwiceTheResidualOverTheCount()
    {
        var yHat = new Variable<double>(Tensor.FromArray<double>([2, 0, 1.5, 3], 2, 2), requiresGrad: true);
        var y = Tensor.FromArray<double>([1, 2, 1, 0], 2, 2);
        var tape = new Tape<double>();
        tape.Backward(tape.MeanSquaredError(yHat, y, [0, 1]));
        Assert.Equal([0, 0, 2 * 0.5 / 2, 2 * 3.0 / 2], yHat.Grad!.ToArray());
    }

    [Fact]
    public void BinaryCrossEntropyWithLogitsValue()
    {
        var z = new Variable<double>(Tensor.FromArray<double>([0, 2, -1, 3], 4));
        var y = Tensor.FromArray<double>([1, 0, 0.25, 1], 4);
        static double Sigmoid(double a) => 1 / (1 + Math.Exp(-a));
        static double Bce(double a, double t) => -(t * Math.Log(Sigmoid(a)) + (1 - t) * Math.Log(1 - Sigmoid(a)));
        double expected = (Math.Log(2) + Bce(2, 0) + Bce(-1, 0.25) + Bce(3, 1)) / 4;
        Assert.Equal(expected, new Tape<double>().BinaryCrossEntropyWithLogits(z, y).Value[0], 14);
        double masked = (Math.Log(2) * 2 + Bce(3, 1)) / 3;
        Assert.Equal(masked, new Tape<double>().BinaryCrossEntropyWithLogits(z, y, [2, 0, 0, 1]).Value[0], 14);
    }

    [Fact]
    public void BinaryCrossEntropyWithLogitsStaysFiniteForExtremeLogits()
    {
        // A confident wrong answer costs |z| nats; a confident right one costs e^(−|z|).
        var z = new Variable<float>(Tensor.FromArray<float>([1000, -1000, 40, -40], 4), requiresGrad: true);
        var y = Tensor.FromArray<float>([0, 1, 1, 0], 4);
        var tape = new Tape<float>();
        var loss = tape.BinaryCrossEntropyWithLogits(z, y);
        Assert.Equal(500f, loss.Value[0], 3);
        tape.Backward(loss);
        float[] expected = [0.25f, -0.25f, 0f, 0f];
        for (int i = 0; i < 4; i++) Assert.Equal(expected[i], z.Grad![i], 1e-7f);
    }

    [Fact]
    public void MasksOfTheWrongLengthAreRejected()
    {
        var x = new Variable<double>(new Tensor<double>(3, 4));
        var target = new Tensor<double>(3, 4);
        var e = Assert.Throws<ArgumentException>(() => new Tape<double>().MeanSquaredError(x, target, [1, 1]));
        Assert.Contains("expected 12 (one per element) or 3 (one per row of 4 features)", e.Message);
        Assert.Throws<ArgumentException>(() => new Tape<double>().BinaryCrossEntropyWithLogits(x, new Tensor<double>(4, 3)));
    }

    [Fact]
    public void LossesAllocateNothingOnceWarm()
    {
        var rng = new Rng(23);
        var x = new Variable<float>(Tensor.Uniform<float>(rng, -1, 1, 4, 9), requiresGrad: true);
        var y = Tensor.Uniform<float>(rng, 0, 1, 4, 9);
        float[] mask = [1, 0, 1, 1];
        var tape = new Tape<float>();
        void Step()
        {
            tape.Reset();
            tape.Backward(tape.Add(tape.MeanSquaredError(x, y, mask), tape.BinaryCrossEntropyWithLogits(x, y, mask)));
        }
        for (int i = 0; i < 3; i++) Step();
        long before = GC.GetAllocatedBytesForCurrentThread();
        for (int i = 0; i < 10; i++) Step();
        Assert.Equal(0, GC.GetAllocatedBytesForCurrentThread() - before);
    }
}
