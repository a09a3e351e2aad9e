using Recurrent.Data.Files;

namespace Recurrent.Tests.Data.Files;

public class SeriesFillTests
{
    private const double N = double.NaN;

    [Theory]
    [InlineData(new[] { N, N, 1.0, N, 3.0, N }, new[] { 1.0, 1.0, 1.0, 2.0, 3.0, 3.0 })]
    [InlineData(new[] { 0.0, N, N, N, 4.0 }, new[] { 0.0, 1.0, 2.0, 3.0, 4.0 })]
    [InlineData(new[] { 10.0, N, N, 4.0, N, 5.0 }, new[] { 10.0, 8.0, 6.0, 4.0, 4.5, 5.0 })]
    [InlineData(new[] { N, 7.0 }, new[] { 7.0, 7.0 })]
    [InlineData(new[] { -2.0, N }, new[] { -2.0, -2.0 })]
    [InlineData(new[] { N, N, 5.0, N, N }, new[] { 5.0, 5.0, 5.0, 5.0, 5.0 })]
    [InlineData(new[] { 1.0, 2.0, 3.0 }, new[] { 1.0, 2.0, 3.0 })]
    [InlineData(new[] { 3.5 }, new[] { 3.5 })]
    [InlineData(new double[0], new double[0])]
    public void GapsAreInterpolatedAndEndsTakeTheNearestValue(double[] series, double[] expected)
    {
        SeriesFill.Interpolate(series);
        Assert.Equal(expected, series);
    }

    [Fact]
    public void InterpolationHitsItsEndpointsExactly()
    {
        double[] series = [0.1, N, N, N, N, N, N, 0.7];
        SeriesFill.Interpolate(series);
        for (int i = 0; i < series.Length; i++) Assert.Equal(0.1 + (0.7 - 0.1) * i / 7, series[i], 1e-15);
        Assert.Equal(0.7, series[^1]);
    }

    [Fact]
    public void AnAllMissingSeriesIsAnError()
    {
        var e = Assert.Throws<ArgumentException>(() => SeriesFill.Interpolate(new[] { N, N, N }));
        Assert.StartsWith("Every one of the series' 3 values is NaN; interpolation needs at least one known value.", e.Message);
    }
}
