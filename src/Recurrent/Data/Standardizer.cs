using System.Collections.ObjectModel;

namespace Recurrent.Data;

/// <summary>
/// Per-feature standardisation <c>z = (x − μ)/σ</c> with statistics from the training split only (saved with the
/// model), so that every input feature of a network is centred and of unit scale.
/// </summary>
/// <remarks>
/// <para>
/// For feature <c>f</c> of <c>N</c> training rows, <c>μ_f = (1/N) Σ_n x[n, f]</c> and
/// <c>σ_f = √((1/N) Σ_n (x[n, f] − μ_f)²)</c>, the population standard deviation, as scikit-learn's
/// <c>StandardScaler</c> computes it. A constant feature gets <c>σ_f = 1</c>, so it maps to 0 instead of dividing by
/// zero. Fitting on the validation or test split as well would leak their statistics into training.
/// </para>
/// <para>
/// <see cref="Fit"/> works in double with the corrected two-pass algorithm (Chan, Golub and LeVeque, "Algorithms for
/// computing the sample variance", 1983): the mean first, then the squared deviations from it, minus the square of
/// their rounding residue. <see cref="Inverse"/> maps a prediction of a standardised target back to its units.
/// </para>
/// </remarks>
public sealed class Standardizer
{
    private readonly double[] _mean;
    private readonly double[] _scale;

    /// <summary>A standardizer with the given statistics (e.g. read back from a saved model).</summary>
    /// <param name="mean">μ, one finite value per feature.</param>
    /// <param name="scale">σ, one finite value &gt; 0 per feature; as long as <paramref name="mean"/>.</param>
    /// <exception cref="ArgumentException">The lengths differ or are 0, or a value is not finite, or a scale not positive.</exception>
    public Standardizer(double[] mean, double[] scale)
    {
        ArgumentNullException.ThrowIfNull(mean);
        ArgumentNullException.ThrowIfNull(scale);
        if (mean.Length == 0 || mean.Length != scale.Length)
        {
            throw new ArgumentException($"mean has {mean.Length} features and scale {scale.Length}; expected the same number, at least 1.", nameof(scale));
        }
        for (int f = 0; f < mean.Length; f++)
        {
            if (!double.IsFinite(mean[f])) throw new ArgumentException($"mean[{f}] is {mean[f]}; expected a finite number.", nameof(mean));
            if (!double.IsFinite(scale[f]) || scale[f] <= 0) throw new ArgumentException($"scale[{f}] is {scale[f]}; expected a finite number > 0.", nameof(scale));
        }
        _mean = [.. mean];
        _scale = [.. scale];
        Mean = new ReadOnlyCollection<double>(_mean);
        Scale = new ReadOnlyCollection<double>(_scale);
    }

    /// <summary>The statistics of the training rows.</summary>
    /// <param name="rows">Row-major <c>(N, F)</c> training values, all finite, <c>N ≥ 1</c>.</param>
    /// <param name="features">F, the number of features per row.</param>
    /// <returns>The standardizer: per-feature mean and population standard deviation (1 for a constant feature).</returns>
    /// <exception cref="ArgumentException">There are no rows, the length is not a multiple of F, or a value is not finite.</exception>
    public static Standardizer Fit(ReadOnlySpan<double> rows, int features)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(features, 1);
        if (rows.IsEmpty || rows.Length % features != 0)
        {
            throw new ArgumentException($"rows has {rows.Length} values; expected N rows of {features} features, N ≥ 1.", nameof(rows));
        }
        int n = rows.Length / features;
        var mean = new double[features];                 // (F)
        var min = new double[features];
        var max = new double[features];
        rows[..features].CopyTo(min);
        rows[..features].CopyTo(max);
        for (int r = 0; r < n; r++)
        {
            ReadOnlySpan<double> row = rows.Slice(r * features, features);
            for (int f = 0; f < features; f++)
            {
                double x = row[f];
                if (!double.IsFinite(x)) throw new ArgumentException($"rows[{r}, {f}] is {x}; expected finite values.", nameof(rows));
                mean[f] += x;
                min[f] = Math.Min(min[f], x);
                max[f] = Math.Max(max[f], x);
            }
        }
        for (int f = 0; f < features; f++) mean[f] /= n;

        var squares = new double[features];              // Σ (x − μ)²
        var residue = new double[features];              // Σ (x − μ), 0 but for rounding
        for (int r = 0; r < n; r++)
        {
            ReadOnlySpan<double> row = rows.Slice(r * features, features);
            for (int f = 0; f < features; f++)
            {
                double d = row[f] - mean[f];
                squares[f] += d * d;
                residue[f] += d;
            }
        }
        var scale = new double[features];
        for (int f = 0; f < features; f++)
        {
            if (min[f] == max[f])
            {
                mean[f] = min[f];   // exactly, so that the constant maps to exactly 0
                scale[f] = 1;
                continue;
            }
            double variance = Math.Max(0, (squares[f] - residue[f] * residue[f] / n) / n);
            scale[f] = Math.Sqrt(variance);
            if (!(scale[f] > 0) || !double.IsFinite(scale[f])) scale[f] = 1;
        }
        return new Standardizer(mean, scale);
    }

    /// <summary>F, the number of features.</summary>
    public int Features => _mean.Length;

    /// <summary>μ, the mean of each feature.</summary>
    public IReadOnlyList<double> Mean { get; }

    /// <summary>σ, the scale of each feature (its standard deviation, or 1 for a constant one).</summary>
    public IReadOnlyList<double> Scale { get; }

    /// <summary>Standardises one value: <c>(x − μ_f)/σ_f</c>.</summary>
    /// <param name="value">x, in the feature's units.</param>
    /// <param name="feature">f, in <c>[0, F)</c>.</param>
    /// <returns>z.</returns>
    public double Transform(double value, int feature)
    {
        CheckFeature(feature);
        return (value - _mean[feature]) / _scale[feature];
    }

    /// <summary>Undoes <see cref="Transform(double, int)"/>: <c>z · σ_f + μ_f</c>.</summary>
    /// <param name="z">A standardised value, e.g. a model's prediction.</param>
    /// <param name="feature">f, in <c>[0, F)</c>.</param>
    /// <returns>x, in the feature's units.</returns>
    public double Inverse(double z, int feature)
    {
        CheckFeature(feature);
        return z * _scale[feature] + _mean[feature];
    }

    /// <summary>Standardises row-major <c>(N, F)</c> values into floats.</summary>
    /// <param name="rows">x, <c>(N, F)</c>.</param>
    /// <param name="destination">z, <c>(N, F)</c>, as long as <paramref name="rows"/>.</param>
    /// <exception cref="ArgumentException">The lengths differ or are not a multiple of F.</exception>
    public void Transform(ReadOnlySpan<double> rows, Span<float> destination)
    {
        if (rows.Length % Features != 0)
        {
            throw new ArgumentException($"rows has {rows.Length} values; expected whole rows of {Features} features.", nameof(rows));
        }
        if (destination.Length != rows.Length)
        {
            throw new ArgumentException($"destination has {destination.Length} values; expected {rows.Length}, as many as rows.", nameof(destination));
        }
        int features = Features;
        for (int start = 0; start < rows.Length; start += features)
        {
            ReadOnlySpan<double> row = rows.Slice(start, features);
            Span<float> z = destination.Slice(start, features);
            for (int f = 0; f < features; f++) z[f] = (float)((row[f] - _mean[f]) / _scale[f]);
        }
    }

    /// <inheritdoc/>
    public override string ToString() => $"Standardizer({Features} features)";

    private void CheckFeature(int feature)
    {
        if ((uint)feature >= (uint)_mean.Length)
        {
            throw new ArgumentOutOfRangeException(nameof(feature), $"Feature {feature} is outside the standardizer's {Features} features [0, {Features}).");
        }
    }
}
