using Recurrent.Metrics;
using Recurrent.Tensors;

namespace Recurrent.Tests.Metrics;

/// <summary>The confusion matrix's counts and scores against a hand-worked example and a brute-force count over random labels.</summary>
public class ConfusionMatrixTests
{
    /// <summary>(actual, predicted) pairs of 4 classes of which class 3 never occurs.</summary>
    private static readonly (int Actual, int Predicted)[] HandPairs =
    [
        (0, 0), (0, 0), (0, 0), (0, 1),
        (1, 1), (1, 1), (1, 0), (1, 2),
        (2, 2), (2, 0),
    ];

    private static ConfusionMatrix Of(int classes, IEnumerable<(int Actual, int Predicted)> pairs)
    {
        var m = new ConfusionMatrix(classes);
        foreach (var (a, p) in pairs) m.Add(a, p);
        return m;
    }

    [Fact]
    public void HandExample()
    {
        // M (rows actual, columns predicted):  [3 1 0 0]  [1 2 1 0]  [1 0 1 0]  [0 0 0 0]
        var m = Of(4, HandPairs);
        long[,] expected = { { 3, 1, 0, 0 }, { 1, 2, 1, 0 }, { 1, 0, 1, 0 }, { 0, 0, 0, 0 } };
        for (int a = 0; a < 4; a++)
            for (int p = 0; p < 4; p++)
                Assert.Equal(expected[a, p], m[a, p]);
        Assert.Equal(4, m.Classes);
        Assert.Equal(10, m.Total);
        Assert.Equal(0.6, m.Accuracy, 15);           // trace 3 + 2 + 1 over 10
        Assert.Equal(new long[] { 4, 4, 2, 0 }, Enumerable.Range(0, 4).Select(m.Support));
        Assert.Equal(new long[] { 5, 3, 2, 0 }, Enumerable.Range(0, 4).Select(m.PredictedCount));

        // Class 0: TP 3, FP 2, FN 1.  Class 1: TP 2, FP 1, FN 2.  Class 2: TP 1, FP 1, FN 1.  Class 3: nothing.
        double[] precision = [3.0 / 5, 2.0 / 3, 1.0 / 2, 0];
        double[] recall = [3.0 / 4, 2.0 / 4, 1.0 / 2, 0];
        double[] f1 = [6.0 / 9, 4.0 / 7, 2.0 / 4, 0];
        for (int c = 0; c < 4; c++)
        {
            Assert.Equal(precision[c], m.Precision(c), 15);
            Assert.Equal(recall[c], m.Recall(c), 15);
            Assert.Equal(f1[c], m.F1(c), 15);
        }

        // sklearn: f1_score(y, ŷ, average="macro") averages over unique_labels(y, ŷ) = {0, 1, 2}; class 3, in neither,
        // does not count: (2/3 + 4/7 + 1/2) / 3 = (28 + 24 + 21) / 42 / 3 = 73/126. (With labels=[0, 1, 2, 3] it would be 73/168.)
        Assert.Equal(73.0 / 126, m.MacroF1, 15);
    }

    [Fact]
    public void MacroF1CountsAClassThatIsOnlyPredicted()
    {
        // y = [0, 0, 1, 1], ŷ = [0, 2, 1, 1]. sklearn's labels = unique_labels(y, ŷ) = {0, 1, 2}:
        // F1(0) = 2·1 / (2·1 + 0 + 1) = 2/3; F1(1) = 2·2 / (2·2 + 0 + 0) = 1;
        // F1(2): TP 0, FP 1, FN 0, precision 0/1 = 0, recall 0/0 → 0 (zero_division), F1 = 0.
        // Macro-F1 = (2/3 + 1 + 0) / 3 = 5/9.
        var m = Of(3, [(0, 0), (0, 2), (1, 1), (1, 1)]);
        Assert.Equal(0.0, m.Precision(2));
        Assert.Equal(0.0, m.Recall(2));
        Assert.Equal(0.0, m.F1(2));
        Assert.Equal(5.0 / 9, m.MacroF1, 15);
        Assert.Equal(0.75, m.Accuracy, 15);
    }

    [Fact]
    public void EmptyMatrix()
    {
        var m = new ConfusionMatrix(1);
        Assert.Equal(0, m.Total);
        Assert.True(double.IsNaN(m.Accuracy));
        Assert.True(double.IsNaN(m.MacroF1));
        Assert.Equal(0.0, m.Precision(0));
        Assert.Equal(0.0, m.Recall(0));
        Assert.Equal(0.0, m.F1(0));
        m.Add(0, 0);
        Assert.Equal(1.0, m.Accuracy);
        Assert.Equal(1.0, m.MacroF1);
    }

    [Theory]
    [InlineData(1, 2)]
    [InlineData(5, 3)]
    [InlineData(9, 7)]
    public void AgreesWithABruteForceCountOverRandomLabels(ulong seed, int classes)
    {
        var rng = new Rng(seed);
        // The last class is only ever predicted, never actual; a mostly right classifier.
        var pairs = Enumerable.Range(0, 997).Select(_ =>
        {
            int actual = rng.Next(classes - 1);
            int predicted = rng.NextDouble() < 0.6 ? actual : rng.Next(classes);
            return (actual, predicted);
        }).ToArray();
        var m = Of(classes, pairs);

        Assert.Equal(pairs.Length, m.Total);
        Assert.Equal(pairs.Count(x => x.actual == x.predicted) / (double)pairs.Length, m.Accuracy, 14);
        double f1Sum = 0;
        int present = 0;
        for (int c = 0; c < classes; c++)
        {
            for (int p = 0; p < classes; p++) Assert.Equal(pairs.Count(x => x.actual == c && x.predicted == p), m[c, p]);
            int tp = pairs.Count(x => x.actual == c && x.predicted == c);
            int predictedC = pairs.Count(x => x.predicted == c);
            int actualC = pairs.Count(x => x.actual == c);
            double precision = predictedC == 0 ? 0 : (double)tp / predictedC;
            double recall = actualC == 0 ? 0 : (double)tp / actualC;
            double f1 = precision + recall == 0 ? 0 : 2 * precision * recall / (precision + recall);
            Assert.Equal(precision, m.Precision(c), 14);
            Assert.Equal(recall, m.Recall(c), 14);
            Assert.Equal(f1, m.F1(c), 14);
            if (predictedC + actualC > 0)
            {
                f1Sum += f1;
                present++;
            }
        }
        Assert.Equal(classes, present);
        Assert.Equal(0.0, m.Recall(classes - 1));
        Assert.Equal(f1Sum / present, m.MacroF1, 14);
    }

    [Fact]
    public void BadArgumentsNameTheValue()
    {
        Assert.Equal("classes", Assert.Throws<ArgumentOutOfRangeException>(() => new ConfusionMatrix(0)).ParamName);
        var m = new ConfusionMatrix(3);
        var actual = Assert.Throws<ArgumentOutOfRangeException>(() => m.Add(3, 0));
        Assert.Equal("actual", actual.ParamName);
        Assert.Contains("actual = 3", actual.Message);
        Assert.Contains("0 to 2", actual.Message);
        Assert.Equal("predicted", Assert.Throws<ArgumentOutOfRangeException>(() => m.Add(0, -1)).ParamName);
        Assert.Throws<ArgumentOutOfRangeException>(() => m[0, 3]);
        Assert.Throws<ArgumentOutOfRangeException>(() => m.F1(-1));
        Assert.Equal(0, m.Total); // a refused sample is not counted
    }
}
