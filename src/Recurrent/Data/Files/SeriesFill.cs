namespace Recurrent.Data.Files;

/// <summary>Fills the gaps (NaNs) of a time series read from a file, for <see cref="MissingValues.Interpolate"/>.</summary>
public static class SeriesFill
{
    /// <summary>
    /// Fills NaNs in place by linear interpolation between the nearest known neighbours: a gap between
    /// <c>x[a]</c> and <c>x[b]</c> gets <c>x[i] = x[a] + (x[b] − x[a]) · (i − a)/(b − a)</c>. Leading and trailing
    /// NaNs take the nearest known value. An empty series is left as it is.
    /// </summary>
    /// <param name="series">Values in time order; NaN marks a missing one (infinities are values).</param>
    /// <exception cref="ArgumentException">Every value is NaN: there is nothing to interpolate from.</exception>
    public static void Interpolate(Span<double> series)
    {
        if (series.IsEmpty) return;
        int previous = -1;
        for (int i = 0; i < series.Length; i++)
        {
            if (double.IsNaN(series[i])) continue;
            if (previous < 0)
            {
                series[..i].Fill(series[i]);
            }
            else if (i > previous + 1)
            {
                double a = series[previous], b = series[i];
                int gap = i - previous;
                for (int k = previous + 1; k < i; k++) series[k] = a + (b - a) * (k - previous) / gap;
            }
            previous = i;
        }
        if (previous < 0)
        {
            throw new ArgumentException($"Every one of the series' {series.Length} values is NaN; interpolation needs at least one known value.", nameof(series));
        }
        series[(previous + 1)..].Fill(series[previous]);
    }
}
