using Recurrent.Training;

namespace Recurrent.Cli.Plotting;

/// <summary>PNG plots of a run's training and validation loss, against wall time and against steps (ScottPlot).</summary>
internal static class LossPlot
{
    /// <summary>Writes <c>loss-time.png</c> and <c>loss-steps.png</c> into <paramref name="directory"/>; returns their paths.</summary>
    public static string[] Write(IReadOnlyList<TrainingRecord> history, string directory, string title, string yLabel = "cross-entropy (nats/char)")
    {
        Directory.CreateDirectory(directory);
        string byTime = Path.Combine(directory, "loss-time.png");
        string bySteps = Path.Combine(directory, "loss-steps.png");
        Save(history, r => r.WallSeconds / 60, "training time (minutes, validation excluded)", title, yLabel, byTime);
        Save(history, r => r.Step, "optimiser steps", title, yLabel, bySteps);
        return [byTime, bySteps];
    }

    private static void Save(IReadOnlyList<TrainingRecord> history, Func<TrainingRecord, double> x, string xLabel, string title, string yLabel, string path)
    {
        var plot = new ScottPlot.Plot();
        double[] xs = history.Select(x).ToArray();
        var train = history.Where(r => double.IsFinite(r.TrainLoss)).ToArray();
        var trainLine = plot.Add.Scatter(train.Select(x).ToArray(), train.Select(r => r.TrainLoss).ToArray());
        trainLine.LegendText = "train (mean since previous validation)";
        var valLine = plot.Add.Scatter(xs, history.Select(r => r.ValidationLoss ?? double.NaN).ToArray());
        valLine.LegendText = "validation (whole split)";
        plot.Title(title);
        plot.XLabel(xLabel);
        plot.YLabel(yLabel);
        plot.ShowLegend(ScottPlot.Alignment.UpperRight);
        string temporary = path + ".tmp";
        plot.SavePng(temporary, 900, 560);
        File.Move(temporary, path, overwrite: true);
    }

    /// <summary>Every record of the run so far, resumed parts included, from its metrics file.</summary>
    public static List<TrainingRecord> ReadHistory(string metricsPath)
    {
        var records = new List<TrainingRecord>();
        if (!File.Exists(metricsPath)) return records;
        foreach (string line in File.ReadLines(metricsPath))
        {
            if (string.IsNullOrWhiteSpace(line)) continue;
            try
            {
                var o = System.Text.Json.Nodes.JsonNode.Parse(line)!.AsObject();
                records.Add(new TrainingRecord((double)o["wall_s"]!, (long)o["step"]!, (int)o["epoch"]!, (long)o["examples"]!,
                    (double?)o["train_loss"] ?? double.NaN, (double?)o["val_loss"], (double?)o["lr"] ?? double.NaN));
            }
            catch (Exception e) when (e is System.Text.Json.JsonException or InvalidOperationException or NullReferenceException or FormatException)
            {
                // A line cut short by a killed run: the plots skip it.
            }
        }
        return records;
    }
}
