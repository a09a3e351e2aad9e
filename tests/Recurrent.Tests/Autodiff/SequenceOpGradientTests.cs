using Recurrent.Autodiff;
using Recurrent.Tensors;
using static Recurrent.Tests.Autodiff.GradAssert;

namespace Recurrent.Tests.Autodiff;

/// <summary>
/// The primitives of the task models (pooling over time, batched products, masked softmax, repetition over steps):
/// values against naive loops, gradients against double-precision finite differences.
/// </summary>
public class SequenceOpGradientTests
{
    private static readonly int[] Lengths = [3, 1, 4];

    [Fact]
    public void LastStepReadsEachSequencesOwnLastStep()
    {
        var rng = new Rng(11);
        var x = Param(rng, "x", 3, 4, 5);
        var y = new Tape<double>().LastStep(x, Lengths);
        for (int b = 0; b < 3; b++)
        {
            for (int f = 0; f < 5; f++) Assert.Equal(x.Value[b, Lengths[b] - 1, f], y.Value[b, f]);
        }
        var r = Random(rng, 3, 5);
        Check(t => Project(t, t.LastStep(x, Lengths), r), x);
        Check(t => Project(t, t.LastStep(x), r), x);
    }

    [Fact]
    public void MeanOverStepsIgnoresPaddedSteps()
    {
        var rng = new Rng(12);
        var x = Param(rng, "x", 3, 4, 5);
        var y = new Tape<double>().MeanOverSteps(x, Lengths);
        for (int b = 0; b < 3; b++)
        {
            for (int f = 0; f < 5; f++)
            {
                double sum = 0;
                for (int t = 0; t < Lengths[b]; t++) sum += x.Value[b, t, f];
                Assert.Equal(sum / Lengths[b], y.Value[b, f], 12);
            }
        }
        var r = Random(rng, 3, 5);
        Check(t => Project(t, t.MeanOverSteps(x, Lengths), r), x);
        Check(t => Project(t, t.MeanOverSteps(x), r), x);
        // Padded steps get no gradient.
        var tape = new Tape<double>();
        x.ZeroGrad();
        tape.Backward(Project(tape, tape.MeanOverSteps(x, Lengths), r));
        Assert.Equal(0.0, x.Grad![1, 2, 3]);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void BatchedMatMulMatchesNaiveProducts(bool transposeB)
    {
        var rng = new Rng(13);
        const int batch = 2, m = 3, k = 4, n = 5;
        var a = Param(rng, "a", batch, m, k);
        var b = Param(rng, "b", transposeB ? [batch, n, k] : [batch, k, n]);
        var c = new Tape<double>().BatchedMatMul(a, b, transposeB);
        for (int i = 0; i < batch; i++)
        {
            for (int r = 0; r < m; r++)
            {
                for (int col = 0; col < n; col++)
                {
                    double sum = 0;
                    for (int j = 0; j < k; j++) sum += a.Value[i, r, j] * (transposeB ? b.Value[i, col, j] : b.Value[i, j, col]);
                    Assert.Equal(sum, c.Value[i, r, col], 12);
                }
            }
        }
        var rr = Random(rng, batch, m, n);
        Check(t => Project(t, t.BatchedMatMul(a, b, transposeB), rr), a, b);
    }

    [Fact]
    public void MaskedSoftmaxWeighsOnlyValidPositions()
    {
        var rng = new Rng(14);
        var x = Param(rng, "x", 3, 2, 4);
        var y = new Tape<double>().MaskedSoftmax(x, Lengths);
        for (int b = 0; b < 3; b++)
        {
            for (int m = 0; m < 2; m++)
            {
                double sum = 0;
                for (int n = 0; n < 4; n++)
                {
                    if (n >= Lengths[b]) Assert.Equal(0.0, y.Value[b, m, n]);
                    sum += y.Value[b, m, n];
                }
                Assert.Equal(1.0, sum, 12);
            }
        }
        // Shifting every score by a constant changes nothing (softmax is shift-invariant); huge scores stay finite.
        var big = new Variable<double>(Tensor.FromArray<double>([1000, 999, 1, 2], 1, 1, 4));
        var p = new Tape<double>().MaskedSoftmax(big, [2]);
        Assert.Equal(1 / (1 + Math.Exp(-1)), p.Value[0], 12);
        var r = Random(rng, 3, 2, 4);
        Check(t => Project(t, t.MaskedSoftmax(x, Lengths), r), x);
    }

    [Fact]
    public void RepeatStepsCopiesEachVectorToEveryStep()
    {
        var rng = new Rng(15);
        var x = Param(rng, "x", 2, 3);
        var y = new Tape<double>().RepeatSteps(x, 4);
        Assert.True(y.Value.HasShape([2, 4, 3]));
        Assert.Equal(x.Value[1, 2], y.Value[1, 3, 2]);
        var r = Random(rng, 2, 4, 3);
        Check(t => Project(t, t.RepeatSteps(x, 4), r), x);
    }

    [Fact]
    public void LengthsOutsideTheSequenceAreRejected()
    {
        var x = new Variable<double>(new Tensor<double>(2, 3, 1));
        var e = Assert.Throws<ArgumentException>(() => new Tape<double>().LastStep(x, [1, 4]));
        Assert.Contains("lengths[1] = 4 is outside [1, T = 3]", e.Message);
        Assert.Throws<ArgumentException>(() => new Tape<double>().MeanOverSteps(x, [1]));
    }
}
