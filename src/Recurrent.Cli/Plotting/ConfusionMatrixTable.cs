using System.Globalization;
using System.Text;
using Recurrent.Metrics;

namespace Recurrent.Cli.Plotting;

/// <summary>
/// A confusion matrix as a plain monospace text table for the console: one row per actual class, one column per
/// predicted class, each cell the count M[a, p], then the row's total and its recall M[a, a] / Σ_p M[a, p]; a row of
/// the column totals; and a last line with the accuracy and macro-F1.
/// </summary>
internal static class ConfusionMatrixTable
{
    /// <summary>The table of <paramref name="matrix"/>, lines ended by <c>\n</c>.</summary>
    /// <param name="matrix">The counts.</param>
    /// <param name="labels">One label per class, in class order.</param>
    /// <returns>The table; the recall of a class with no samples is shown as <c>-</c>, as are the scores of an empty matrix.</returns>
    public static string Render(ConfusionMatrix matrix, IReadOnlyList<string> labels)
    {
        ArgumentNullException.ThrowIfNull(matrix);
        CheckLabels(matrix, labels);
        int k = matrix.Classes;
        const string Corner = "actual \\ predicted", Total = "total", Recall = "recall";

        var header = new string[k + 3];
        header[0] = Corner;
        for (int p = 0; p < k; p++) header[p + 1] = labels[p];
        header[k + 1] = Total;
        header[k + 2] = Recall;

        var rows = new List<string[]>(k + 1);
        for (int a = 0; a < k; a++)
        {
            var row = new string[k + 3];
            row[0] = labels[a];
            for (int p = 0; p < k; p++) row[p + 1] = Count(matrix[a, p]);
            long support = matrix.Support(a);
            row[k + 1] = Count(support);
            row[k + 2] = support == 0 ? "-" : Share(matrix.Recall(a));
            rows.Add(row);
        }
        var totals = new string[k + 3];
        totals[0] = Total;
        for (int p = 0; p < k; p++) totals[p + 1] = Count(matrix.PredictedCount(p));
        totals[k + 1] = Count(matrix.Total);
        totals[k + 2] = "";
        rows.Add(totals);

        var widths = new int[k + 3];
        foreach (var line in rows.Prepend(header))
            for (int i = 0; i < line.Length; i++) widths[i] = Math.Max(widths[i], line[i].Length);

        var sb = new StringBuilder();
        Append(sb, header, widths);
        sb.Append(new string('-', widths.Sum() + 2 * (widths.Length - 1))).Append('\n');
        for (int r = 0; r < rows.Count; r++)
        {
            if (r == k) sb.Append(new string('-', widths.Sum() + 2 * (widths.Length - 1))).Append('\n');
            Append(sb, rows[r], widths);
        }
        sb.Append(matrix.Total == 0 ? "accuracy -  macro-F1 -" : $"accuracy {Share(matrix.Accuracy)}  macro-F1 {Share(matrix.MacroF1)}").Append('\n');
        return sb.ToString();
    }

    /// <summary>Throws unless there is one non-null label per class of <paramref name="matrix"/>.</summary>
    internal static void CheckLabels(ConfusionMatrix matrix, IReadOnlyList<string> labels)
    {
        ArgumentNullException.ThrowIfNull(labels);
        if (labels.Count != matrix.Classes)
            throw new ArgumentException($"labels has {labels.Count} entries; the matrix has Classes = {matrix.Classes}, one label each.", nameof(labels));
        for (int i = 0; i < labels.Count; i++)
            if (labels[i] is null) throw new ArgumentException($"labels[{i}] is null.", nameof(labels));
    }

    /// <summary>The first column (labels) left-aligned, the numbers right-aligned, two spaces between columns; no trailing spaces.</summary>
    private static void Append(StringBuilder sb, string[] cells, int[] widths)
    {
        int start = sb.Length;
        for (int i = 0; i < cells.Length; i++)
        {
            if (i > 0) sb.Append("  ");
            sb.Append(i == 0 ? cells[i].PadRight(widths[i]) : cells[i].PadLeft(widths[i]));
        }
        int end = sb.Length;
        while (end > start && sb[end - 1] == ' ') end--;
        sb.Length = end;
        sb.Append('\n');
    }

    private static string Count(long n) => n.ToString(CultureInfo.InvariantCulture);

    private static string Share(double x) => x.ToString("0.000", CultureInfo.InvariantCulture);
}
