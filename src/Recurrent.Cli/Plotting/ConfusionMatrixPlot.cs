using System.Globalization;
using Recurrent.Metrics;

namespace Recurrent.Cli.Plotting;

/// <summary>
/// A confusion matrix as a PNG heat map (ScottPlot): rows are the actual classes, top to bottom, columns the predicted
/// ones, left to right; a cell's colour is its row-normalised share M[a, p] / Σ_p' M[a, p'] (the diagonal is each
/// class's recall) on a fixed 0–1 scale shown by a colour bar, and its text is the count M[a, p].
/// </summary>
internal static class ConfusionMatrixPlot
{
    /// <summary>Pixels per cell, within the bounds below: 9 classes give a plot of about 800 × 700.</summary>
    private const int CellPixels = 64, MinSide = 480, MaxSide = 2400;

    /// <summary>Writes the heat map of <paramref name="matrix"/> to <paramref name="path"/> (through a temporary file, then renamed).</summary>
    /// <param name="matrix">The counts.</param>
    /// <param name="labels">One label per class, in class order, shown on both axes.</param>
    /// <param name="path">The PNG to write; its folder must exist.</param>
    /// <param name="title">The plot's title.</param>
    public static void Write(ConfusionMatrix matrix, IReadOnlyList<string> labels, string path, string title)
    {
        ArgumentNullException.ThrowIfNull(matrix);
        ConfusionMatrixTable.CheckLabels(matrix, labels);
        int k = matrix.Classes;

        var shares = new double[k, k]; // (actual, predicted); NaN for a class with no samples
        for (int a = 0; a < k; a++)
        {
            long support = matrix.Support(a);
            for (int p = 0; p < k; p++) shares[a, p] = support == 0 ? double.NaN : (double)matrix[a, p] / support;
        }

        using var plot = new ScottPlot.Plot();
        var heatmap = plot.Add.Heatmap(shares);
        heatmap.Colormap = new LightToDark(new ScottPlot.Colormaps.Blues());
        heatmap.ManualRange = new ScottPlot.Range(0, 1);
        heatmap.NaNCellColor = ScottPlot.Colors.LightGray;
        // Cell (a, p) centred on x = p, y = k − 1 − a: the first actual class on the top row.
        heatmap.Rectangle = new ScottPlot.CoordinateRect(-0.5, k - 0.5, -0.5, k - 0.5);
        var colorBar = plot.Add.ColorBar(heatmap);
        colorBar.Label = "share of the actual class (row)";
        double[] shareTicks = [0, 0.2, 0.4, 0.6, 0.8, 1];
        colorBar.Axis.SetTicks(shareTicks, [.. shareTicks.Select(v => v.ToString("0.0", CultureInfo.InvariantCulture))]);

        float fontSize = k <= 12 ? 14 : k <= 24 ? 10 : 7;
        for (int a = 0; a < k; a++)
        {
            for (int p = 0; p < k; p++)
            {
                var text = plot.Add.Text(matrix[a, p].ToString(CultureInfo.InvariantCulture), p, k - 1 - a);
                text.LabelAlignment = ScottPlot.Alignment.MiddleCenter;
                text.LabelFontSize = fontSize;
                // White on the dark end of the colour map, black elsewhere.
                text.LabelFontColor = shares[a, p] > 0.55 ? ScottPlot.Colors.White : ScottPlot.Colors.Black;
            }
        }

        double[] positions = [.. Enumerable.Range(0, k).Select(i => (double)i)];
        plot.Axes.Bottom.SetTicks(positions, [.. labels]);
        plot.Axes.Left.SetTicks([.. positions.Select(y => k - 1 - y)], [.. labels]);
        plot.Axes.SetLimits(-0.5, k - 0.5, -0.5, k - 0.5);
        plot.Grid.IsVisible = false;
        plot.Title(title);
        plot.XLabel("predicted class");
        plot.YLabel("actual class");

        int side = Math.Clamp(k * CellPixels + 220, MinSide, MaxSide);
        string temporary = path + ".tmp";
        plot.SavePng(temporary, side + 100, side);
        File.Move(temporary, path, overwrite: true);
    }

    /// <summary>A colour map read backwards: ScottPlot's <c>Blues</c> runs from dark to light, and a share of 0 should be pale.</summary>
    private sealed class LightToDark(ScottPlot.IColormap map) : ScottPlot.IColormap
    {
        public string Name => map.Name + " (reversed)";

        public ScottPlot.Color GetColor(double position) => map.GetColor(1 - position);
    }
}
