using Recurrent.Data;

namespace Recurrent.Tests.Data;

public class StandardizerTests
{
    /// <summary>(N, F) rows: feature 0 normal around 3, feature 1 constant 0.1, feature 2 large with a small spread, feature 3 a ramp.</summary>
    private static double[] Rows(int n, int seed)
    {
        var rng = new Random(seed);
        var rows = new double[n * 4];
        for (int r = 0; r < n; r++)
        {
            rows[r * 4] = 3 + 2 * (rng.NextDouble() - 0.5);
            rows[r * 4 + 1] = 0.1;
            rows[r * 4 + 2] = 1e9 + rng.NextDouble();
            rows[r * 4 + 3] = r;
        }
        return rows;
    }

    [Theory]
    [InlineData(1)]
    [InlineData(7)]
    [InlineData(1000)]
    public void FitMatchesANaiveTwoPassComputation(int n)
    {
        double[] rows = Rows(n, seed: 11);
        var s = Standardizer.Fit(rows, features: 4);
        Assert.Equal(4, s.Features);
        for (int f = 0; f < 4; f++)
        {
            double mean = 0;
            for (int r = 0; r < n; r++) mean += rows[r * 4 + f];
            mean /= n;
            double squares = 0;
            for (int r = 0; r < n; r++) squares += (rows[r * 4 + f] - mean) * (rows[r * 4 + f] - mean);
            double std = Math.Sqrt(squares / n);
            if (f != 1) Assert.Equal(mean, s.Mean[f], Math.Abs(mean) * 1e-15);
            if (f == 1 || n == 1)
            {
                Assert.Equal(1.0, s.Scale[f]);            // a constant feature keeps its units, centred
            }
            else
            {
                Assert.Equal(std, s.Scale[f], std * 1e-9);
            }
        }
        // The constant feature maps to exactly 0 even where the mean of 0.1s rounds away from 0.1.
        Assert.Equal(0.1, s.Mean[1]);
        Assert.Equal(0.0, s.Transform(0.1, 1));
    }

    [Fact]
    public void StandardisedTrainingFeaturesHaveZeroMeanAndUnitVariance()
    {
        const int n = 257;
        double[] rows = Rows(n, seed: 5);
        var s = Standardizer.Fit(rows, 4);
        var z = new float[rows.Length];
        s.Transform(rows, z);
        foreach (int f in new[] { 0, 2, 3 })
        {
            double mean = 0, square = 0;
            for (int r = 0; r < n; r++)
            {
                mean += z[r * 4 + f];
                square += (double)z[r * 4 + f] * z[r * 4 + f];
            }
            Assert.Equal(0, mean / n, 1e-5);
            Assert.Equal(1, square / n, 1e-5);
        }
        for (int i = 0; i < rows.Length; i++)
        {
            Assert.Equal((float)s.Transform(rows[i], i % 4), z[i]);
            Assert.Equal(rows[i], s.Inverse(s.Transform(rows[i], i % 4), i % 4), (Math.Abs(rows[i]) + s.Scale[i % 4]) * 1e-14);
        }
    }

    [Fact]
    public void BadStatisticsAndShapesAreNamed()
    {
        Assert.StartsWith("scale[1] is 0; expected a finite number > 0.", Assert.Throws<ArgumentException>(() => new Standardizer([0, 0], [1, 0])).Message);
        Assert.StartsWith("scale[0] is NaN;", Assert.Throws<ArgumentException>(() => new Standardizer([0], [double.NaN])).Message);
        Assert.StartsWith("mean[2] is Infinity;", Assert.Throws<ArgumentException>(() => new Standardizer([0, 0, double.PositiveInfinity], [1, 1, 1])).Message);
        Assert.StartsWith("mean has 2 features and scale 1;", Assert.Throws<ArgumentException>(() => new Standardizer([0, 0], [1])).Message);
        Assert.Throws<ArgumentException>(() => new Standardizer([], []));
        Assert.StartsWith("rows has 5 values; expected N rows of 2 features", Assert.Throws<ArgumentException>(() => Standardizer.Fit(new double[5], 2)).Message);
        Assert.Throws<ArgumentException>(() => Standardizer.Fit([], 2));
        Assert.StartsWith("rows[1, 0] is NaN;", Assert.Throws<ArgumentException>(() => Standardizer.Fit([1, 2, double.NaN, 4], 2)).Message);
        var s = new Standardizer([1, 2], [2, 4]);
        Assert.Equal(1.0, s.Transform(3, 0));
        Assert.Equal(10.0, s.Inverse(2, 1));
        Assert.Throws<ArgumentOutOfRangeException>(() => s.Transform(1, 2));
        Assert.Throws<ArgumentException>(() => s.Transform(new double[4], new float[3]));
        Assert.Throws<ArgumentException>(() => s.Transform(new double[3], new float[3]));
        Assert.Throws<NotSupportedException>(() => ((IList<double>)s.Mean)[0] = 5);
    }
}
