using System.Numerics;
using Recurrent.Kernels;

namespace Recurrent.Tests.Kernels;

public class VectorMathTests
{
    [SkippableTheory]
    [InlineData(256)]
    [InlineData(512)]
    public void ActivationsAreAccurateAcrossTheRange(int width)
    {
        InstructionSets.SkipUnlessLanes(width);
        double worstSigmoid = 0, worstTanh = 0, worstExp = 0;
        for (int i = -2000; i <= 2000; i++)
        {
            float a = i / 50f; // −40 … 40
            var (s, t, e) = Activations(a, width);
            worstSigmoid = Math.Max(worstSigmoid, Math.Abs(s - 1 / (1 + Math.Exp(-a))));
            worstTanh = Math.Max(worstTanh, Math.Abs(t - Math.Tanh(a)));
            worstExp = Math.Max(worstExp, Math.Abs(e - Math.Exp(a)) / Math.Exp(a));
            Assert.Equal(1 / (1 + Math.Exp(-(double)a)), (double)VectorMath.Sigmoid((double)a), 14);
        }
        Assert.True(worstSigmoid < 1e-6, $"sigmoid error {worstSigmoid:E2}");
        Assert.True(worstTanh < 1e-6, $"tanh error {worstTanh:E2}");
        Assert.True(worstExp < 1e-6, $"exp relative error {worstExp:E2}");
    }

    [SkippableTheory]
    [InlineData(256)]
    [InlineData(512)]
    public void ExponentialIsAccurateOverTheWholeUnclampedRange(int width)
    {
        InstructionSets.SkipUnlessLanes(width);
        // Every 2ⁿ the float exponential builds, n = −126 … 127, and the rounding of x/ln 2 in between.
        double worst = 0;
        for (float a = -87.3f; a <= 88.3f; a += 0.0137f)
        {
            double exact = Math.Exp(a);
            worst = Math.Max(worst, Math.Abs(Activations(a, width).Exp - exact) / exact);
        }
        Assert.True(worst < 1e-6, $"exp relative error {worst:E2}");
    }

    [SkippableTheory]
    [InlineData(256)]
    [InlineData(512)]
    public void DoubleLanesMatchTheScalarForms(int width)
    {
        InstructionSets.SkipUnlessLanes(width);
        for (int i = -400; i <= 400; i++)
        {
            double a = i / 10.0;
            var (s, t) = width == 512
                ? (SigmoidOf<Lanes512<double>, double>(Lanes512<double>.Splat(a)).Value[7], TanhOf<Lanes512<double>, double>(Lanes512<double>.Splat(a)).Value[7])
                : (SigmoidOf<Lanes256<double>, double>(Lanes256<double>.Splat(a)).Value[3], TanhOf<Lanes256<double>, double>(Lanes256<double>.Splat(a)).Value[3]);
            Assert.Equal(VectorMath.Sigmoid(a), s, 14);
            Assert.Equal(VectorMath.Tanh(a), t, 14);
        }
    }

    public static TheoryData<float, int> ExtremeInputs()
    {
        var data = new TheoryData<float, int>();
        foreach (int width in new[] { 256, 512 })
        {
            foreach (float a in new[] { 88.5f, -88.5f, 100f, -100f, 1e30f, -1e30f, float.PositiveInfinity, float.NegativeInfinity }) data.Add(a, width);
        }
        return data;
    }

    [SkippableTheory]
    [MemberData(nameof(ExtremeInputs))]
    public void ExtremeInputsSaturateWithoutNaN(float a, int width)
    {
        InstructionSets.SkipUnlessLanes(width);
        var (s, t, e) = Activations(a, width);
        Assert.Equal(a > 0 ? 1f : 0f, s, 6);
        Assert.Equal(a > 0 ? 1f : -1f, t, 6);
        Assert.True(float.IsFinite(e) && e >= 0, $"exp({a}) = {e} at {width} bits");
    }

    /// <summary>σ(a), tanh(a) and e^a from the float lanes of the given width (last lane, so all lanes are computed).</summary>
    private static (float Sigmoid, float Tanh, float Exp) Activations(float a, int width)
    {
        if (width == 512)
        {
            var v = Lanes512<float>.Splat(a);
            return (SigmoidOf<Lanes512<float>, float>(v).Value[15], TanhOf<Lanes512<float>, float>(v).Value[15], Lanes512<float>.Exp(v).Value[15]);
        }
        var w = Lanes256<float>.Splat(a);
        return (SigmoidOf<Lanes256<float>, float>(w).Value[7], TanhOf<Lanes256<float>, float>(w).Value[7], Lanes256<float>.Exp(w).Value[7]);
    }

    private static TV SigmoidOf<TV, T>(TV a) where TV : struct, ILaneVector<TV, T> where T : unmanaged, IFloatingPointIeee754<T> => TV.Sigmoid(a);

    private static TV TanhOf<TV, T>(TV a) where TV : struct, ILaneVector<TV, T> where T : unmanaged, IFloatingPointIeee754<T> => TV.Tanh(a);
}
