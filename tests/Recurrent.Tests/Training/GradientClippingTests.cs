using Recurrent.Autodiff;
using Recurrent.Tensors;
using Recurrent.Training;

namespace Recurrent.Tests.Training;

public class GradientClippingTests
{
    private static Variable<float> WithGrad(string name, params float[] grad)
    {
        var v = new Variable<float>(new Tensor<float>(grad.Length), requiresGrad: true, name);
        grad.CopyTo(v.GradForAccumulation().Span);
        return v;
    }

    [Fact]
    public void ScalesEveryGradientByTheSameFactorDownToTheMaximum()
    {
        // Global norm √(3² + 4² + 12²) = 13.
        var a = WithGrad("a", 3, 4);
        var b = WithGrad("b", 12);
        var noGrad = new Variable<float>(new Tensor<float>(2), requiresGrad: true);
        double norm = GradientClipping.ClipByGlobalNorm([a, noGrad, b], maxNorm: 6.5);
        Assert.Equal(13, norm, 5);
        // As PyTorch: c = max / (norm + 1e-6) in double, rounded to the gradients' type, then multiplied.
        float c = (float)(6.5 / (13 + 1e-6));
        Assert.Equal([3 * c, 4 * c], a.Grad!.ToArray());
        Assert.Equal(12 * c, b.Grad![0]);
        Assert.Null(noGrad.Grad);
        // The clipped gradients now have the maximum norm (up to PyTorch's 1e-6 margin).
        Assert.Equal(6.5, GradientClipping.ClipByGlobalNorm([a, b], maxNorm: 100), 5);
    }

    [Fact]
    public void LeavesGradientsBelowTheMaximumUnchanged()
    {
        var a = WithGrad("a", 3, 4);
        Assert.Equal(5, GradientClipping.ClipByGlobalNorm([("a", a)], maxNorm: 5.1), 6);
        Assert.Equal([3f, 4f], a.Grad!.ToArray());
    }

    [Fact]
    public void LongGradientsAcrossVectorTails()
    {
        var rng = new Rng(41);
        var vars = new[] { 1, 7, 33, 257 }.Select(n => new Variable<double>(new Tensor<double>(n), requiresGrad: true)).ToArray();
        double expected = 0;
        foreach (var v in vars)
        {
            rng.FillNormal(v.GradForAccumulation().Span, 0, 3);
            foreach (double g in v.Grad!.Span) expected += g * g;
        }
        Assert.Equal(Math.Sqrt(expected), GradientClipping.ClipByGlobalNorm(vars, 1.0), 10);
        Assert.Equal(1.0, GradientClipping.ClipByGlobalNorm(vars, 1e9), 5);
    }

    [Fact]
    public void NonFiniteNormsThrowOnRequestAndPoisonOtherwise()
    {
        var a = WithGrad("a", float.NaN, 1);
        var e = Assert.Throws<InvalidOperationException>(() => GradientClipping.ClipByGlobalNorm([a], 1, errorIfNonfinite: true));
        Assert.Contains("NaN", e.Message);
        Assert.True(double.IsNaN(GradientClipping.ClipByGlobalNorm([a], 1)));
        Assert.True(float.IsNaN(a.Grad![1]));
    }

    [Fact]
    public void ClippingAllocatesNothing()
    {
        var list = new[] { WithGrad("a", 3, 4), WithGrad("b", 12) };
        IReadOnlyList<(string, Variable<float>)> named = [("a", list[0]), ("b", list[1])];
        GradientClipping.ClipByGlobalNorm(list, 1);
        GradientClipping.ClipByGlobalNorm(named, 1);
        long before = GC.GetAllocatedBytesForCurrentThread();
        for (int i = 0; i < 10; i++)
        {
            GradientClipping.ClipByGlobalNorm(list, 1);
            GradientClipping.ClipByGlobalNorm(named, 1);
        }
        Assert.Equal(0, GC.GetAllocatedBytesForCurrentThread() - before);
    }
}
