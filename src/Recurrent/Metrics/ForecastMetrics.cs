namespace Recurrent.Metrics;

/// <summary>Point-forecast errors of one evaluated segment of a time series (actual values y_t against forecasts ŷ_t).</summary>
/// <remarks>
/// Over the n evaluated steps, with ȳ = (1/n) Σ_t y_t the mean of the evaluated actual values:
/// MAE = (1/n) Σ_t |y_t − ŷ_t|, RMSE = √((1/n) Σ_t (y_t − ŷ_t)²), ARV = Σ_t (y_t − ŷ_t)² / Σ_t (y_t − ȳ)².
/// ARV, the average relative variance of Weigend, Huberman and Rumelhart (1990, "Predicting the future: a
/// connectionist approach"), is the mean squared error over the segment's variance: 1 for a forecast that always
/// says ȳ, 0 for a perfect one. Sums are in double precision.
/// </remarks>
/// <param name="MeanAbsoluteError">MAE = (1/n) Σ_t |y_t − ŷ_t|.</param>
/// <param name="RootMeanSquaredError">RMSE = √((1/n) Σ_t (y_t − ŷ_t)²).</param>
/// <param name="AverageRelativeVariance">ARV = Σ_t (y_t − ŷ_t)² / Σ_t (y_t − ȳ)²; NaN when the actual values are constant.</param>
/// <param name="Count">n, the number of evaluated steps.</param>
public sealed record ForecastMetrics(double MeanAbsoluteError, double RootMeanSquaredError, double AverageRelativeVariance, int Count)
{
    /// <summary>
    /// The errors of <paramref name="predicted"/> against <paramref name="actual"/>: MAE = (1/n) Σ|y − ŷ|,
    /// RMSE = √((1/n) Σ(y − ŷ)²), and ARV = Σ(y − ŷ)² / Σ(y − ȳ)², ȳ the mean of the evaluated actual values
    /// (Weigend et al. 1990). ARV is NaN if the actual values are constant (all equal), where the variance is 0.
    /// </summary>
    /// <param name="actual">The actual values y_t, at least one.</param>
    /// <param name="predicted">The forecasts ŷ_t, as many as <paramref name="actual"/>.</param>
    /// <returns>The metrics, with <see cref="Count"/> = n.</returns>
    /// <exception cref="ArgumentException">The lengths differ, or are 0.</exception>
    public static ForecastMetrics Of(ReadOnlySpan<double> actual, ReadOnlySpan<double> predicted)
    {
        if (actual.Length != predicted.Length)
            throw new ArgumentException($"actual has {actual.Length} values and predicted has {predicted.Length}; expected as many forecasts as actual values.", nameof(predicted));
        if (actual.Length == 0)
            throw new ArgumentException("actual and predicted are empty; expected at least one value.", nameof(actual));

        int n = actual.Length;
        double mean = 0;
        foreach (double y in actual) mean += y;
        mean /= n;

        double absolute = 0, squared = 0, variance = 0;
        bool constant = true;
        for (int t = 0; t < n; t++)
        {
            double error = actual[t] - predicted[t];
            absolute += Math.Abs(error);
            squared += error * error;
            double deviation = actual[t] - mean;
            variance += deviation * deviation;
            constant &= actual[t] == actual[0];
        }
        // Constant values are tested directly: their floating-point mean need not equal them, leaving a tiny variance.
        double arv = constant ? double.NaN : squared / variance;
        return new ForecastMetrics(absolute / n, Math.Sqrt(squared / n), arv, n);
    }
}
