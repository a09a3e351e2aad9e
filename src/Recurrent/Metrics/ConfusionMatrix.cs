namespace Recurrent.Metrics;

/// <summary>
/// Counts of (actual, predicted) class pairs of a classifier or tagger, and the scores read from them.
/// </summary>
/// <remarks>
/// <para>
/// With <c>M[a, p]</c> the number of samples of actual class <c>a</c> predicted as <c>p</c>, and for a class <c>c</c>
/// TP = M[c, c], FP = Σ_a M[a, c] − TP (predicted <c>c</c>, actually another class), FN = Σ_p M[c, p] − TP
/// (actually <c>c</c>, predicted another class):
/// </para>
/// <list type="bullet">
/// <item>accuracy = Σ_c M[c, c] / Σ M (the trace over the total);</item>
/// <item>precision(c) = TP / (TP + FP), recall(c) = TP / (TP + FN);</item>
/// <item>F1(c) = 2·TP / (2·TP + FP + FN), the harmonic mean of precision and recall;</item>
/// <item>macro-F1 = (1/|C|) Σ_{c ∈ C} F1(c), C the classes that occur as actual or predicted at least once.</item>
/// </list>
/// <para>
/// A ratio 0/0 (a class never predicted, never present) is 0, as scikit-learn's <c>zero_division=0</c>; the
/// macro average over the present classes equals <c>f1_score(y, ŷ, average="macro", labels=present)</c>.
/// </para>
/// </remarks>
public sealed class ConfusionMatrix
{
    private readonly long[] _counts; // (Classes, Classes), row = actual, column = predicted

    /// <summary>An empty matrix over the classes 0 … <paramref name="classes"/> − 1.</summary>
    /// <param name="classes">The number of classes, at least 1.</param>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="classes"/> is below 1.</exception>
    public ConfusionMatrix(int classes)
    {
        if (classes < 1)
            throw new ArgumentOutOfRangeException(nameof(classes), classes, $"classes must be at least 1; got {classes}.");
        if ((long)classes * classes > Array.MaxLength)
            throw new ArgumentOutOfRangeException(nameof(classes), classes, $"classes = {classes} needs {(long)classes * classes} counts, more than an array holds.");
        Classes = classes;
        _counts = new long[classes * classes];
    }

    /// <summary>The number of classes K; the class indices are 0 … K − 1.</summary>
    public int Classes { get; }

    /// <summary>The number of samples added, Σ M.</summary>
    public long Total { get; private set; }

    /// <summary>Counts one sample of class <paramref name="actual"/> predicted as <paramref name="predicted"/>: M[actual, predicted] += 1.</summary>
    /// <param name="actual">The true class, in [0, <see cref="Classes"/>).</param>
    /// <param name="predicted">The predicted class, in [0, <see cref="Classes"/>).</param>
    /// <exception cref="ArgumentOutOfRangeException">A class is outside [0, <see cref="Classes"/>).</exception>
    public void Add(int actual, int predicted)
    {
        CheckClass(actual, nameof(actual));
        CheckClass(predicted, nameof(predicted));
        _counts[actual * Classes + predicted]++;
        Total++;
    }

    /// <summary>M[actual, predicted]: how many samples of class <paramref name="actual"/> were predicted as <paramref name="predicted"/>.</summary>
    /// <param name="actual">The true class (the row).</param>
    /// <param name="predicted">The predicted class (the column).</param>
    /// <exception cref="ArgumentOutOfRangeException">A class is outside [0, <see cref="Classes"/>).</exception>
    public long this[int actual, int predicted]
    {
        get
        {
            CheckClass(actual, nameof(actual));
            CheckClass(predicted, nameof(predicted));
            return _counts[actual * Classes + predicted];
        }
    }

    /// <summary>Accuracy = Σ_c M[c, c] / Σ M, the share of samples predicted as their class; NaN when <see cref="Total"/> is 0.</summary>
    public double Accuracy
    {
        get
        {
            long trace = 0;
            for (int c = 0; c < Classes; c++) trace += _counts[c * Classes + c];
            return Total == 0 ? double.NaN : (double)trace / Total;
        }
    }

    /// <summary>Σ_p M[c, p]: the samples whose actual class is <paramref name="c"/> (the row sum, scikit-learn's support).</summary>
    /// <param name="c">The class.</param>
    /// <returns>The number of samples of class <paramref name="c"/>.</returns>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="c"/> is outside [0, <see cref="Classes"/>).</exception>
    public long Support(int c)
    {
        CheckClass(c, nameof(c));
        return RowSum(c);
    }

    /// <summary>Σ_a M[a, c]: the samples predicted as class <paramref name="c"/> (the column sum).</summary>
    /// <param name="c">The class.</param>
    /// <returns>The number of samples predicted as <paramref name="c"/>.</returns>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="c"/> is outside [0, <see cref="Classes"/>).</exception>
    public long PredictedCount(int c)
    {
        CheckClass(c, nameof(c));
        return ColumnSum(c);
    }

    /// <summary>Precision(c) = TP / (TP + FP) = M[c, c] / Σ_a M[a, c]; 0 when class <paramref name="c"/> is never predicted.</summary>
    /// <param name="c">The class.</param>
    /// <returns>The share of the samples predicted as <paramref name="c"/> that are of class <paramref name="c"/>.</returns>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="c"/> is outside [0, <see cref="Classes"/>).</exception>
    public double Precision(int c)
    {
        CheckClass(c, nameof(c));
        return Ratio(_counts[c * Classes + c], ColumnSum(c));
    }

    /// <summary>Recall(c) = TP / (TP + FN) = M[c, c] / Σ_p M[c, p]; 0 when class <paramref name="c"/> never occurs.</summary>
    /// <param name="c">The class.</param>
    /// <returns>The share of the samples of class <paramref name="c"/> that are predicted as <paramref name="c"/>.</returns>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="c"/> is outside [0, <see cref="Classes"/>).</exception>
    public double Recall(int c)
    {
        CheckClass(c, nameof(c));
        return Ratio(_counts[c * Classes + c], RowSum(c));
    }

    /// <summary>
    /// F1(c) = 2·TP / (2·TP + FP + FN), the harmonic mean 2·P·R / (P + R) of precision and recall; 0 when class
    /// <paramref name="c"/> is neither present nor predicted (and whenever TP = 0).
    /// </summary>
    /// <param name="c">The class.</param>
    /// <returns>The F1 score of class <paramref name="c"/>.</returns>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="c"/> is outside [0, <see cref="Classes"/>).</exception>
    public double F1(int c)
    {
        CheckClass(c, nameof(c));
        return F1Core(c);
    }

    /// <summary>
    /// Macro-F1 = (1/|C|) Σ_{c ∈ C} F1(c), C the classes with Σ_p M[c, p] + Σ_a M[a, c] &gt; 0 (present as actual or
    /// predicted): scikit-learn's <c>f1_score(average="macro")</c> over the labels it sees. Classes absent from both
    /// sides do not dilute the mean. NaN when <see cref="Total"/> is 0.
    /// </summary>
    public double MacroF1
    {
        get
        {
            double sum = 0;
            int present = 0;
            for (int c = 0; c < Classes; c++)
            {
                if (RowSum(c) + ColumnSum(c) == 0) continue;
                sum += F1Core(c);
                present++;
            }
            return present == 0 ? double.NaN : sum / present;
        }
    }

    private double F1Core(int c)
    {
        long tp = _counts[c * Classes + c];
        long fp = ColumnSum(c) - tp, fn = RowSum(c) - tp;
        return Ratio(2 * tp, 2 * tp + fp + fn);
    }

    private long RowSum(int actual)
    {
        long sum = 0;
        foreach (long n in _counts.AsSpan(actual * Classes, Classes)) sum += n;
        return sum;
    }

    private long ColumnSum(int predicted)
    {
        long sum = 0;
        for (int a = 0; a < Classes; a++) sum += _counts[a * Classes + predicted];
        return sum;
    }

    private static double Ratio(long numerator, long denominator) => denominator == 0 ? 0 : (double)numerator / denominator;

    private void CheckClass(int value, string name)
    {
        if ((uint)value >= (uint)Classes)
            throw new ArgumentOutOfRangeException(name, value, $"{name} = {value} is not a class of this matrix; expected 0 to {Classes - 1} (Classes = {Classes}).");
    }
}
