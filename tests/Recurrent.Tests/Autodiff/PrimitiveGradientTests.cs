using Recurrent.Autodiff;
using Recurrent.Losses;
using Recurrent.Tensors;
using static Recurrent.Tests.Autodiff.GradAssert;

namespace Recurrent.Tests.Autodiff;

/// <summary>Every primitive's backward against central finite differences in double precision.</summary>
public class PrimitiveGradientTests
{
    [Theory]
    [InlineData(false, false)]
    [InlineData(false, true)]
    [InlineData(true, false)]
    [InlineData(true, true)]
    public void MatMul(bool ta, bool tb)
    {
        var rng = new Rng(1);
        const int m = 3, n = 5, k = 4;
        var a = Param(rng, "a", ta ? [k, m] : [m, k]);
        var b = Param(rng, "b", tb ? [n, k] : [k, n]);
        var r = Random(rng, m, n);
        Check(t => Project(t, t.MatMul(a, b, ta, tb), r), a, b);
    }

    [Fact]
    public void MatMulFlattensLeadingDimensions()
    {
        var rng = new Rng(2);
        var a = Param(rng, "a", 2, 3, 4);
        var w = Param(rng, "w", 5, 4);
        var r = Random(rng, 2, 3, 5);
        Check(t => Project(t, t.MatMul(a, w, transposeB: true), r), a, w);
    }

    [Fact]
    public void AddBiasAddSubMul()
    {
        var rng = new Rng(3);
        var x = Param(rng, "x", 2, 3, 4);
        var y = Param(rng, "y", 2, 3, 4);
        var bias = Param(rng, "bias", 4);
        var r = Random(rng, 2, 3, 4);
        Check(t => Project(t, t.AddBias(x, bias), r), x, bias);
        Check(t => Project(t, t.Add(x, y), r), x, y);
        Check(t => Project(t, t.Sub(x, y), r), x, y);
        Check(t => Project(t, t.Mul(x, y), r), x, y);
        Check(t => Project(t, t.Mul(x, x), r), x); // both factors are the same variable: gradients add
        Check(t => Project(t, t.Scale(x, -2.5), r), x);
    }

    [Fact]
    public void ConcatAndSlice()
    {
        var rng = new Rng(4);
        var h = Param(rng, "h", 3, 5);
        var x = Param(rng, "x", 3, 2);
        var r = Random(rng, 3, 7);
        var rs = Random(rng, 3, 3);
        Check(t => Project(t, t.Concat(h, x), r), h, x);
        Check(t => Project(t, t.Slice(t.Concat(h, x), 4, 3), rs), h, x);
    }

    [Fact]
    public void Activations()
    {
        var rng = new Rng(5);
        var x = Param(rng, "x", 4, 9);
        // Keep relu's inputs away from its kink at 0, where finite differences are meaningless.
        foreach (ref double v in x.Value.Span) v = v >= 0 ? v + 0.1 : v - 0.1;
        var r = Random(rng, 4, 9);
        Check(t => Project(t, t.Sigmoid(x), r), x);
        Check(t => Project(t, t.Tanh(x), r), x);
        Check(t => Project(t, t.Relu(x), r), x);
    }

    [Fact]
    public void EmbeddingWithRepeatedIds()
    {
        var rng = new Rng(6);
        var w = Param(rng, "w", 5, 3);
        int[] ids = [4, 0, 4, 2, 4, 1];
        var r = Random(rng, 6, 3);
        Check(t => Project(t, t.Embedding(w, ids), r), w);
    }

    [Fact]
    public void SoftmaxCrossEntropyWithMaskAndIgnoredRows()
    {
        var rng = new Rng(7);
        var z = Param(rng, "z", 2, 3, 6);
        int[] targets = [0, 5, 2, -1, 3, 3];
        double[] mask = [1, 1, 0, 1, 0.5, 1];
        Check(t => t.SoftmaxCrossEntropy(z, targets), z);
        Check(t => t.SoftmaxCrossEntropy(z, targets, mask), z);
    }

    [Fact]
    public void SoftmaxCrossEntropyValueIsTheMeanNegativeLogLikelihood()
    {
        var z = new Variable<double>(Tensor.FromArray<double>([1, 2, 3, 0, 0, 0], 2, 3));
        var loss = new Tape<double>().SoftmaxCrossEntropy(z, [2, 1]);
        double expected = (-Math.Log(Math.Exp(3) / (Math.Exp(1) + Math.Exp(2) + Math.Exp(3))) + Math.Log(3)) / 2;
        Assert.Equal(expected, loss.Value[0], 12);
        // Extreme logits stay finite.
        var big = new Variable<double>(Tensor.FromArray<double>([1000, -1000, 0], 1, 3));
        Assert.Equal(2000, new Tape<double>().SoftmaxCrossEntropy(big, [1]).Value[0], 9);
    }

    [Fact]
    public void SumMeanReshapeRows()
    {
        var rng = new Rng(8);
        var x = Param(rng, "x", 4, 3);
        var r = Random(rng, 6, 2);
        var rr = Random(rng, 2, 3);
        Check(t => t.Sum(x), x);
        Check(t => t.Mean(t.Mul(x, x)), x);
        Check(t => Project(t, t.Reshape(x, 6, 2), r), x);
        Check(t => Project(t, t.Rows(x, 1, 2), rr), x);
    }

    [Fact]
    public void DropoutWithAFixedMask()
    {
        var rng = new Rng(9);
        var x = Param(rng, "x", 5, 4);
        var r = Random(rng, 5, 4);
        Check(t => Project(t, t.Dropout(x, 0.3, new Rng(77)), r), x);
    }

    [Fact]
    public void DropoutScalesKeptValuesAndIsIdentityAtZero()
    {
        var x = new Variable<double>(Tensor.Full(1.0, 10_000));
        var tape = new Tape<double>();
        var y = tape.Dropout(x, 0.25, new Rng(1));
        int kept = 0;
        foreach (double v in y.Value.Span)
        {
            Assert.True(v == 0 || Math.Abs(v - 1 / 0.75) < 1e-12);
            if (v != 0) kept++;
        }
        Assert.InRange(kept, 7300, 7700);
        Assert.Same(x, tape.Dropout(x, 0, new Rng(1)));
    }

    [Fact]
    public void SelectStackAndWhereRows()
    {
        var rng = new Rng(10);
        var seq = Param(rng, "seq", 2, 3, 4);
        var a = Param(rng, "a", 3, 4);
        var b = Param(rng, "b", 3, 4);
        var rs = Random(rng, 2, 2, 4);
        var rw = Random(rng, 3, 4);
        Check(t => Project(t, t.SelectStep(seq, 1, batchFirst: true), Random(new Rng(1), 2, 4)), seq);
        Check(t => Project(t, t.SelectStep(seq, 0, batchFirst: false), Random(new Rng(1), 3, 4)), seq);
        Check(t => Project(t, t.StackSteps([t.SelectStep(seq, 2, true), t.SelectStep(seq, 0, true)], batchFirst: true), rs), seq);
        Check(t => Project(t, t.StackSteps([t.SelectStep(seq, 2, true), t.SelectStep(seq, 0, true)], batchFirst: false), rs), seq);
        bool[] keep = [true, false, true];
        Check(t => Project(t, t.WhereRows(keep, a, b), rw), a, b);
        Check(t => Project(t, t.WhereRows(keep, a, null), rw), a);
    }

    [Fact]
    public void ReusedTapeAllocatesNothingOnceWarm()
    {
        var rng = new Rng(11);
        var w = new Variable<float>(Tensor.Uniform<float>(rng, -1, 1, 16, 8), requiresGrad: true);
        var bias = new Variable<float>(Tensor.Uniform<float>(rng, -1, 1, 16), requiresGrad: true);
        var x = new Variable<float>(Tensor.Uniform<float>(rng, -1, 1, 4, 8));
        int[] targets = [1, 3, 5, 7];
        var tape = new Tape<float>();
        void Step()
        {
            tape.Reset();
            var h = tape.Tanh(tape.AddBias(tape.MatMul(x, w, transposeB: true), bias));
            tape.Backward(tape.SoftmaxCrossEntropy(h, targets));
        }
        for (int i = 0; i < 3; i++) Step();
        long before = GC.GetAllocatedBytesForCurrentThread();
        for (int i = 0; i < 10; i++) Step();
        Assert.Equal(0, GC.GetAllocatedBytesForCurrentThread() - before);
    }
}
