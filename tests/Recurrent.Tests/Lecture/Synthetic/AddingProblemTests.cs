using Recurrent.Lecture.Data.Synthetic;
using Recurrent.Tensors;

namespace Recurrent.Tests.Lecture.Synthetic;

public class AddingProblemTests
{
    [Theory]
    [InlineData(2)]
    [InlineData(7)]
    [InlineData(100)]
    public void EachSequenceHasOneMarkerPerHalfAndTheTargetIsTheirSum(int steps)
    {
        var task = new AddingProblem(steps);
        (Tensor<float> x, Tensor<float> y) = task.Sample(new Rng(11), 300);
        Assert.Equal([300, steps, 2], x.Shape.ToArray());
        Assert.Equal([300, 1], y.Shape.ToArray());
        int half = steps / 2;
        var firstSeen = new bool[half];
        for (int b = 0; b < 300; b++)
        {
            var marked = new List<int>();
            for (int t = 0; t < steps; t++)
            {
                Assert.InRange(x[b, t, 0], 0f, 0.99999994f);
                Assert.True(x[b, t, 1] is 0f or 1f);
                if (x[b, t, 1] == 1f) marked.Add(t);
            }
            Assert.Equal(2, marked.Count);
            Assert.InRange(marked[0], 0, half - 1);
            Assert.InRange(marked[1], half, steps - 1);
            firstSeen[marked[0]] = true;
            Assert.Equal(x[b, marked[0], 0] + x[b, marked[1], 0], y[b, 0]);
        }
        Assert.All(firstSeen, Assert.True); // every step of the first half can hold the first marker
    }

    [Fact]
    public void PredictingTheMeanScoresTheBaselineMseOfOneSixth()
    {
        Assert.Equal(1.0 / 6.0, AddingProblem.BaselineMse, 15);
        (_, Tensor<float> y) = new AddingProblem(50).Sample(new Rng(2024), 40_000);
        double mse = 0;
        foreach (float target in y.Span) mse += (target - 1.0) * (target - 1.0);
        mse /= y.Length;
        Assert.InRange(mse, 1.0 / 6.0 - 0.005, 1.0 / 6.0 + 0.005); // ± 3.5 standard errors
    }

    [Fact]
    public void TheSameSeedGivesTheSameDataInBothPrecisions()
    {
        var task = new AddingProblem(20);
        (Tensor<float> x1, Tensor<float> y1) = task.Sample(new Rng(5), 8);
        (Tensor<float> x2, Tensor<float> y2) = task.Sample(new Rng(5), 8);
        Assert.Equal(x1.ToArray(), x2.ToArray());
        Assert.Equal(y1.ToArray(), y2.ToArray());
        Assert.NotEqual(x1.ToArray(), task.Sample(new Rng(6), 8).Inputs.ToArray());
        var xd = new Tensor<double>(8, 20, 2);
        var yd = new Tensor<double>(8, 1);
        task.Fill(new Rng(5), xd, yd);
        Assert.Equal(x1.ToArray(), xd.ToArray().Select(v => (float)v));
    }

    [Fact]
    public void WrongShapesAreNamed()
    {
        var task = new AddingProblem(10);
        var e = Assert.Throws<ArgumentException>(() => task.Fill(new Rng(1), new Tensor<float>(4, 9, 2), new Tensor<float>(4, 1)));
        Assert.Contains("(4, 9, 2); expected (B, T, 2) with T = 10", e.Message);
        var t = Assert.Throws<ArgumentException>(() => task.Fill(new Rng(1), new Tensor<float>(4, 10, 2), new Tensor<float>(4)));
        Assert.Contains("expected (B, 1) = (4, 1)", t.Message);
        Assert.Throws<ArgumentOutOfRangeException>(() => new AddingProblem(1));
    }
}
