using Recurrent.Metrics;
using Recurrent.Tensors;

namespace Recurrent.Tests.Metrics;

/// <summary>MAE, RMSE and ARV against hand computations, a naive computation over random data, and persistence on known series.</summary>
public class ForecastMetricsTests
{
    [Fact]
    public void HandComputation()
    {
        // y − ŷ = [−0.5, 0, 1, −1]; ȳ = 2.5, y − ȳ = [−1.5, −0.5, 0.5, 1.5].
        var m = ForecastMetrics.Of([1, 2, 3, 4], [1.5, 2, 2, 5]);
        Assert.Equal(2.5 / 4, m.MeanAbsoluteError, 15);          // (0.5 + 0 + 1 + 1) / 4
        Assert.Equal(Math.Sqrt(2.25 / 4), m.RootMeanSquaredError, 15); // √((0.25 + 0 + 1 + 1) / 4) = 0.75
        Assert.Equal(2.25 / 5, m.AverageRelativeVariance, 15);   // 2.25 / (2.25 + 0.25 + 0.25 + 2.25)
        Assert.Equal(4, m.Count);
    }

    [Fact]
    public void PersistenceOnARamp()
    {
        // y_t = t for t = 1 … n, forecast ŷ_t = y_{t−1} = t − 1: every error is 1, Σ(y − ŷ)² = n,
        // Σ(y − ȳ)² = n(n² − 1)/12, so ARV = 12 / (n² − 1).
        const int n = 10;
        double[] series = [.. Enumerable.Range(0, n + 1).Select(t => (double)t)];
        var m = ForecastMetrics.Of(series.AsSpan(1), series.AsSpan(0, n));
        Assert.Equal(1.0, m.MeanAbsoluteError, 15);
        Assert.Equal(1.0, m.RootMeanSquaredError, 15);
        Assert.Equal(12.0 / (n * n - 1), m.AverageRelativeVariance, 15);
        Assert.Equal(n, m.Count);
    }

    [Fact]
    public void PersistenceOnAnAlternatingSeriesIsFourTimesWorseThanTheMean()
    {
        // y_t = (−1)^t: persistence is off by 2 at every step; over an even count ȳ = 0 and Σ(y − ȳ)² = n: ARV = 4n / n.
        double[] series = [.. Enumerable.Range(0, 21).Select(t => t % 2 == 0 ? 1.0 : -1.0)];
        var m = ForecastMetrics.Of(series.AsSpan(1), series.AsSpan(0, 20));
        Assert.Equal(2.0, m.MeanAbsoluteError);
        Assert.Equal(2.0, m.RootMeanSquaredError);
        Assert.Equal(4.0, m.AverageRelativeVariance, 15);
    }

    [Theory]
    [InlineData(1)]
    [InlineData(7)]
    [InlineData(33)]
    [InlineData(257)]
    public void AgreesWithANaiveComputation(int n)
    {
        var rng = new Rng((ulong)n);
        double[] y = [.. Enumerable.Range(0, n).Select(_ => 3 + 2 * rng.NextNormal())];
        double[] yHat = [.. y.Select(v => v + 0.5 * rng.NextNormal())];
        var m = ForecastMetrics.Of(y, yHat);
        var errors = y.Zip(yHat, (a, b) => a - b).ToArray();
        Assert.Equal(errors.Average(Math.Abs), m.MeanAbsoluteError, 12);
        Assert.Equal(Math.Sqrt(errors.Average(e => e * e)), m.RootMeanSquaredError, 12);
        if (n == 1) Assert.True(double.IsNaN(m.AverageRelativeVariance)); // one value is constant
        else Assert.Equal(errors.Sum(e => e * e) / y.Sum(v => (v - y.Average()) * (v - y.Average())), m.AverageRelativeVariance, 12);

        // Forecasting the segment's mean gives ARV = 1; the values themselves give 0.
        if (n > 1)
        {
            Assert.Equal(1.0, ForecastMetrics.Of(y, [.. y.Select(_ => y.Average())]).AverageRelativeVariance, 12);
            Assert.Equal(new ForecastMetrics(0, 0, 0, n), ForecastMetrics.Of(y, y));
        }
    }

    [Fact]
    public void ConstantActualValuesGiveNaNArv()
    {
        // 0.1 three times: the floating-point mean is not exactly 0.1, yet the variance is 0.
        var m = ForecastMetrics.Of([0.1, 0.1, 0.1], [0.2, 0.1, 0.0]);
        Assert.True(double.IsNaN(m.AverageRelativeVariance));
        Assert.Equal(0.2 / 3, m.MeanAbsoluteError, 15);
    }

    [Fact]
    public void BadLengthsAreNamed()
    {
        var mismatch = Assert.Throws<ArgumentException>(() => ForecastMetrics.Of([1, 2, 3], [1, 2]));
        Assert.Contains("3", mismatch.Message);
        Assert.Contains("2", mismatch.Message);
        Assert.Throws<ArgumentException>(() => ForecastMetrics.Of([], []));
    }
}
