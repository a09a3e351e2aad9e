using Recurrent.Cli.Tasks;

namespace Recurrent.Cli.Plotting;

/// <summary>A PNG of a series' first target against the forecasts made from each origin (ScottPlot).</summary>
internal static class ForecastPlot
{
    public static void Write(SeriesData series, DataSchema schema, IReadOnlyList<(int Origin, double[] Forecast)> forecasts, int steps, string path)
    {
        int target = SeriesData.TargetIndices(schema)[0], k = schema.Targets!.Length;
        var plot = new ScottPlot.Plot();
        int start = Math.Max(0, forecasts[0].Origin - 3 * schema.Window);
        double[] xs = [.. Enumerable.Range(start, series.Rows - start).Select(r => (double)r)];
        var actual = plot.Add.Scatter(xs, [.. xs.Select(x => series.Level((int)x, target))]);
        actual.LegendText = $"{schema.Targets[0]} (actual)";
        actual.MarkerSize = 3;
        if (forecasts.Count == 1 || steps > 1)
        {
            foreach (var (origin, forecast) in forecasts.Count > 1 ? forecasts.Where((_, i) => i % steps == 0) : forecasts)
            {
                double[] fx = [.. Enumerable.Range(0, steps + 1).Select(s => (double)(origin + s))];
                double[] fy = [series.Level(origin, target), .. Enumerable.Range(0, steps).Select(s => forecast[s * k])];
                var line = plot.Add.Scatter(fx, fy);
                line.LegendText = forecasts.Count == 1 ? $"forecast from {series.Times[origin]}" : "";
            }
        }
        else
        {
            double[] ox = [.. forecasts.Select(f => (double)(f.Origin + 1))], oy = [.. forecasts.Select(f => f.Forecast[0])];
            var one = plot.Add.Scatter(ox, oy);
            one.LegendText = "one-step-ahead forecast";
        }
        plot.Title($"{schema.Targets[0]}: forecasts {steps} step{(steps > 1 ? "s" : "")} ahead");
        plot.XLabel($"row (times {series.Times[start]} … {series.Times[^1]})");
        plot.YLabel(schema.Targets[0]);
        plot.ShowLegend();
        string temporary = path + ".tmp";
        plot.SavePng(temporary, 900, 520);
        File.Move(temporary, path, overwrite: true);
    }
}
