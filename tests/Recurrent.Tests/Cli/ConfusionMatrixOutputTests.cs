using System.Buffers.Binary;
using Recurrent.Cli.Plotting;
using Recurrent.Metrics;
using Recurrent.Tensors;
using Recurrent.Tests.Serialization;

namespace Recurrent.Tests.Cli;

/// <summary>The command's confusion-matrix outputs: the PNG heat map is written whole, and the text table holds the counts.</summary>
public class ConfusionMatrixOutputTests : IDisposable
{
    private static readonly string[] Labels = ["aa", "ae", "ah", "ao", "aw", "ay", "b", "ch", "d"];

    /// <summary>9 classes, mostly right; class 8 ("d") is never actual, so its row is empty.</summary>
    private static ConfusionMatrix NineClasses()
    {
        var rng = new Rng(9);
        var m = new ConfusionMatrix(9);
        for (int i = 0; i < 600; i++)
        {
            int actual = rng.Next(8);
            m.Add(actual, rng.NextDouble() < 0.7 ? actual : rng.Next(9));
        }
        return m;
    }

    /// <summary>
    /// Runs the finalizers of what rendering left (SkiaSharp handles) now, rather than on the finalizer thread while
    /// <see cref="Training.AllocationFreeEvaluationTests"/> counts the whole process's allocations.
    /// </summary>
    public void Dispose()
    {
        GC.Collect();
        GC.WaitForPendingFinalizers();
    }

    [Fact]
    public void HeatMapIsAPngOfAPlausibleSize()
    {
        using var folder = new TemporaryFolder();
        string path = folder.File("confusion.png");
        ConfusionMatrixPlot.Write(NineClasses(), Labels, path, "phonemes: confusion on the validation split");

        byte[] png = File.ReadAllBytes(path);
        Assert.Equal(new byte[] { 0x89, (byte)'P', (byte)'N', (byte)'G', 0x0D, 0x0A, 0x1A, 0x0A }, png[..8]);
        // IHDR, the first chunk: width and height, big-endian, at bytes 16 and 20.
        Assert.Equal("IHDR", System.Text.Encoding.ASCII.GetString(png, 12, 4));
        int width = BinaryPrimitives.ReadInt32BigEndian(png.AsSpan(16)), height = BinaryPrimitives.ReadInt32BigEndian(png.AsSpan(20));
        Assert.InRange(width, 400, 3000);
        Assert.InRange(height, 400, 3000);
        Assert.InRange(png.Length, 10_000, 5_000_000);
        Assert.Equal(["confusion.png"], folder.Files()); // the temporary file was renamed

        // Written again over the first.
        ConfusionMatrixPlot.Write(NineClasses(), Labels, path, "again");
        Assert.Equal(["confusion.png"], folder.Files());
    }

    [Fact]
    public void TableHasTheCountsTotalsAndRecall()
    {
        var m = NineClasses();
        string table = ConfusionMatrixTable.Render(m, Labels);
        string[] lines = table.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        // Header, rule, 9 class rows, rule, totals, scores.
        Assert.Equal(1 + 1 + 9 + 1 + 1 + 1, lines.Length);
        Assert.Equal(["actual", "\\", "predicted", .. Labels, "total", "recall"], lines[0].Split(' ', StringSplitOptions.RemoveEmptyEntries));
        Assert.All(lines[..12], l => Assert.Equal(lines[0].Length, l.Length)); // aligned columns

        for (int a = 0; a < 9; a++)
        {
            string[] cells = lines[2 + a].Split(' ', StringSplitOptions.RemoveEmptyEntries);
            Assert.Equal(Labels[a], cells[0]);
            for (int p = 0; p < 9; p++) Assert.Equal(m[a, p], long.Parse(cells[1 + p]));
            Assert.Equal(m.Support(a), long.Parse(cells[10]));
            Assert.Equal(a == 8 ? "-" : m.Recall(a).ToString("0.000", System.Globalization.CultureInfo.InvariantCulture), cells[11]);
        }
        string[] totals = lines[12].Split(' ', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal("total", totals[0]);
        for (int p = 0; p < 9; p++) Assert.Equal(m.PredictedCount(p), long.Parse(totals[1 + p]));
        Assert.Equal(600, long.Parse(totals[10]));
        Assert.Equal(11, totals.Length);
        Assert.Equal($"accuracy {m.Accuracy:0.000}  macro-F1 {m.MacroF1:0.000}", lines[13]);
    }

    [Fact]
    public void SmallTableByHand()
    {
        var m = new ConfusionMatrix(2);
        m.Add(0, 0);
        m.Add(0, 0);
        m.Add(0, 1);
        m.Add(1, 1);
        // Recall: yes 2/3, no 1/1. F1: yes 2·2/(2·2 + 0 + 1) = 0.8, no 2·1/(2·1 + 1 + 0) = 2/3; macro-F1 0.733.
        string expected =
            "actual \\ predicted  yes  no  total  recall\n" +
            "------------------------------------------\n" +
            "yes                   2   1      3   0.667\n" +
            "no                    0   1      1   1.000\n" +
            "------------------------------------------\n" +
            "total                 2   2      4\n" +
            "accuracy 0.750  macro-F1 0.733\n";
        Assert.Equal(expected, ConfusionMatrixTable.Render(m, ["yes", "no"]));
    }

    [Fact]
    public void LabelsMustMatchTheClasses()
    {
        var error = Assert.Throws<ArgumentException>(() => ConfusionMatrixTable.Render(new ConfusionMatrix(3), ["a", "b"]));
        Assert.Contains("Classes = 3", error.Message);
        using var folder = new TemporaryFolder();
        Assert.Throws<ArgumentException>(() => ConfusionMatrixPlot.Write(new ConfusionMatrix(3), ["a"], folder.File("x.png"), "t"));
    }
}
