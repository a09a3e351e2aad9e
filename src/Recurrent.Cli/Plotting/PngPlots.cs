using System.Globalization;
using System.Text;
using Recurrent.Lecture.Experiments;

namespace Recurrent.Cli.Plotting;

/// <summary>Renders an experiment's <see cref="PlotSpec"/>s as PNG line plots with ScottPlot 5, each beside a CSV of its points.</summary>
internal static class PngPlots
{
    public const int Width = 800, Height = 500;

    /// <summary>Writes <c>FileName.png</c> and <c>FileName.csv</c> into <paramref name="folder"/> and returns the PNG's path.</summary>
    public static string Write(PlotSpec spec, string folder)
    {
        var plot = new ScottPlot.Plot();
        foreach (var series in spec.Series)
        {
            double[] y = spec.LogY ? [.. series.Y.Select(v => Math.Log10(v))] : series.Y;
            var line = plot.Add.Scatter(series.X, y);
            line.LegendText = series.Label;
            line.MarkerSize = series.X.Length > 60 ? 0 : 5;
        }
        if (spec.LogY)
        {
            plot.Axes.Left.TickGenerator = new ScottPlot.TickGenerators.NumericAutomatic
            {
                LabelFormatter = v => Math.Pow(10, v).ToString("G3", CultureInfo.InvariantCulture),
            };
        }
        plot.Title(spec.Title);
        plot.XLabel(spec.XLabel);
        plot.YLabel(spec.LogY ? spec.YLabel + " (log scale)" : spec.YLabel);
        plot.ShowLegend();
        string png = Path.Combine(folder, spec.FileName + ".png");
        plot.SavePng(png, Width, Height);
        File.WriteAllText(Path.Combine(folder, spec.FileName + ".csv"), Csv(spec));
        return png;
    }

    private static string Csv(PlotSpec spec)
    {
        var sb = new StringBuilder("series,x,y\n");
        foreach (var s in spec.Series)
        {
            for (int i = 0; i < s.X.Length; i++)
            {
                sb.Append('"').Append(s.Label.Replace("\"", "\"\"")).Append("\",")
                  .Append(s.X[i].ToString("R", CultureInfo.InvariantCulture)).Append(',')
                  .Append(s.Y[i].ToString("R", CultureInfo.InvariantCulture)).Append('\n');
            }
        }
        return sb.ToString();
    }
}
