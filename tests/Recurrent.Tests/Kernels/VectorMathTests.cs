using System.Runtime.Intrinsics;
using Recurrent.Kernels;

namespace Recurrent.Tests.Kernels;

public class VectorMathTests
{
    [Fact]
    public void ActivationsAreAccurateAcrossTheRange()
    {
        double worstSigmoid = 0, worstTanh = 0, worstExp = 0;
        for (int i = -2000; i <= 2000; i++)
        {
            float a = i / 50f; // −40 … 40
            var v = Vector256.Create(a);
            worstSigmoid = Math.Max(worstSigmoid, Math.Abs(VectorMath.Sigmoid(v)[0] - 1 / (1 + Math.Exp(-a))));
            worstTanh = Math.Max(worstTanh, Math.Abs(VectorMath.Tanh(v)[0] - Math.Tanh(a)));
            worstExp = Math.Max(worstExp, Math.Abs(VectorMath.ExpFloat(v)[0] - Math.Exp(a)) / Math.Exp(a));
            Assert.Equal(1 / (1 + Math.Exp(-(double)a)), (double)VectorMath.Sigmoid((double)a), 14);
        }
        Assert.True(worstSigmoid < 1e-6, $"sigmoid error {worstSigmoid:E2}");
        Assert.True(worstTanh < 1e-6, $"tanh error {worstTanh:E2}");
        Assert.True(worstExp < 1e-6, $"exp relative error {worstExp:E2}");
    }

    [Fact]
    public void ExponentialIsAccurateOverTheWholeUnclampedRange()
    {
        // Every 2ⁿ the float exponential builds, n = −126 … 127, and the rounding of x/ln 2 in between.
        double worst = 0;
        for (float a = -87.3f; a <= 88.3f; a += 0.0137f)
        {
            double exact = Math.Exp(a);
            worst = Math.Max(worst, Math.Abs(VectorMath.ExpFloat(Vector256.Create(a))[0] - exact) / exact);
        }
        Assert.True(worst < 1e-6, $"exp relative error {worst:E2}");
    }

    [Theory]
    [InlineData(88.5f)]
    [InlineData(-88.5f)]
    [InlineData(100f)]
    [InlineData(-100f)]
    [InlineData(1e30f)]
    [InlineData(-1e30f)]
    [InlineData(float.PositiveInfinity)]
    [InlineData(float.NegativeInfinity)]
    public void ExtremeInputsSaturateWithoutNaN(float a)
    {
        var v = Vector256.Create(a);
        float s = VectorMath.Sigmoid(v)[0], t = VectorMath.Tanh(v)[0], e = VectorMath.ExpFloat(v)[0];
        Assert.Equal(a > 0 ? 1f : 0f, s, 6);
        Assert.Equal(a > 0 ? 1f : -1f, t, 6);
        Assert.True(float.IsFinite(e) && e >= 0, $"exp({a}) = {e}");
    }
}
