using System.Globalization;
using Recurrent.Cli.Bench;
using Recurrent.Cli.Plotting;
using Recurrent.Data;
using Recurrent.Metrics;
using Recurrent.Models;

namespace Recurrent.Cli.Tasks;

/// <summary>
/// The metrics of each task on labelled data: accuracy, macro-F1 and the confusion matrix (classify); token accuracy
/// (tag); exact match, word and symbol error rates against any of the references (seq2seq); MAE, RMSE and ARV beside
/// persistence (forecast). Each prints a human summary, or one JSON line with snake_case keys.
/// </summary>
internal static class TaskEvaluation
{
    private const int BatchSize = 256;

    /// <summary>Scores a classify, tag or seq2seq model on <paramref name="data"/>; writes the confusion heat map to <paramref name="plot"/> when given.</summary>
    public static int Run(TaskModel model, TaskData data, string name, bool json, int beam, string? plot)
    {
        var fields = model.Schema.Task switch
        {
            "classify" => Classify(model, data, name, json, plot),
            "tag" => Tag(model, data),
            _ => Seq2Seq(model, data, beam),
        };
        Print(model.Schema.Task, name, data.Count, fields, json);
        return 0;
    }

    public static void Print(string task, string name, int samples, List<(string Key, object Value)> fields, bool json)
    {
        if (json)
        {
            Console.WriteLine(JsonLine.Format([("task", task), ("data", name), ("samples", samples), .. fields]));
            return;
        }
        Console.WriteLine($"{name}: {samples} samples; " + string.Join(", ", fields.Select(f => $"{f.Key.Replace('_', ' ')} {Show(f.Value)}")));
    }

    private static string Show(object value) => value switch
    {
        double d => d.ToString(Math.Abs(d) >= 100 ? "F1" : "G4", CultureInfo.InvariantCulture),
        IFormattable f => f.ToString(null, CultureInfo.InvariantCulture),
        _ => value.ToString() ?? "",
    };

    private static IEnumerable<TaskBatch> Batches(TaskData data)
    {
        var source = new TaskBatches(data, BatchSize, null);
        while (source.TryNext(out var batch)) yield return batch;
    }

    private static List<(string, object)> Classify(TaskModel model, TaskData data, string name, bool json, string? plot)
    {
        var classes = model.Schema.Classes!;
        var matrix = new ConfusionMatrix(classes.Length);
        foreach (var batch in Batches(data))
        {
            var predicted = Predictions.Classes(model.Outputs(batch), classes.Length);
            for (int r = 0; r < batch.Count; r++) matrix.Add(batch.Labels[r], predicted[r]);
        }
        if (!json) Console.WriteLine(ConfusionMatrixTable.Render(matrix, classes));
        if (plot is not null)
        {
            ConfusionMatrixPlot.Write(matrix, classes, plot, $"Confusion matrix on {Path.GetFileName(name)}: accuracy {matrix.Accuracy:P1}");
            if (!json) Console.WriteLine($"Confusion matrix heat map: {plot}");
        }
        return [("accuracy", Math.Round(matrix.Accuracy, 6)), ("macro_f1", Math.Round(matrix.MacroF1, 6))];
    }

    private static List<(string, object)> Tag(TaskModel model, TaskData data)
    {
        long right = 0, tokens = 0, whole = 0;
        int classes = model.Schema.Classes!.Length;
        foreach (var batch in Batches(data))
        {
            var predicted = Predictions.Classes(model.Outputs(batch), classes);
            int steps = batch.Inputs.Dim(1);
            for (int r = 0; r < batch.Count; r++)
            {
                bool all = true;
                for (int t = 0; t < batch.Lengths[r]; t++)
                {
                    bool ok = predicted[r * steps + t] == batch.Labels[r * steps + t];
                    right += ok ? 1 : 0;
                    all &= ok;
                }
                tokens += batch.Lengths[r];
                whole += all ? 1 : 0;
            }
        }
        return [("tokens", tokens), ("token_accuracy", Math.Round((double)right / tokens, 6)), ("sequence_accuracy", Math.Round((double)whole / data.Count, 6))];
    }

    private static List<(string, object)> Seq2Seq(TaskModel model, TaskData data, int beam)
    {
        var metrics = new SequenceMetrics();
        var options = Predictions.Decoding(beam);
        foreach (var batch in Batches(data))
        {
            var generated = model.Generate(batch, options);
            for (int r = 0; r < batch.Count; r++)
            {
                var references = data.Raw[batch.Indices[r]].References!;
                metrics.Add(Predictions.Symbols(model.Schema, generated[r]), [.. references]);
            }
        }
        return [("decoding", beam > 1 ? $"beam {beam}" : "greedy"), ("exact_match", Math.Round(metrics.ExactMatch, 6)),
            ("wer", Math.Round(metrics.WordErrorRate, 6)), ("per", Math.Round(metrics.SymbolErrorRate, 6))];
    }

    /// <summary>One-step-or-more-ahead forecasts from every origin whose next step lies in [first, last], scored against the actual values and beside persistence.</summary>
    public static List<(string Key, object Value)> Forecast(TaskModel model, SeriesData series, int first, int last, out int origins)
    {
        var schema = model.Schema;
        var stats = new Standardizer(schema.Mean!, schema.Scale!);
        int start = Math.Max(first - 1, SeriesData.FirstOrigin(schema));
        var list = new List<int>();
        for (int t = start; t + schema.Horizon <= last; t++) list.Add(t);
        origins = list.Count;
        if (list.Count == 0) throw new UsageException($"no forecast fits between rows {series.Times[first]} and {series.Times[last]} with --window {schema.Window} and horizon {schema.Horizon}.");
        var data = series.Windows(schema, stats, list);
        int[] targets = SeriesData.TargetIndices(schema);
        int k = targets.Length, h = schema.Horizon;
        var predicted = new double[list.Count * h * k];
        foreach (var batch in Batches(data))
        {
            var outputs = model.Outputs(batch).Span;
            for (int r = 0; r < batch.Count; r++)
            {
                var levels = series.ToLevels(schema, stats, list[batch.Indices[r]], outputs.Slice(r * h * k, h * k));
                levels.CopyTo(predicted, batch.Indices[r] * h * k);
            }
        }
        var fields = new List<(string, object)>();
        double arvSum = 0, persistenceSum = 0;
        for (int j = 0; j < k; j++)
        {
            for (int step = 0; step < h; step++)
            {
                var actual = new double[list.Count];
                var forecast = new double[list.Count];
                var persistence = new double[list.Count];
                for (int n = 0; n < list.Count; n++)
                {
                    actual[n] = series.Level(list[n] + 1 + step, targets[j]);
                    forecast[n] = predicted[(n * h + step) * k + j];
                    persistence[n] = series.Level(list[n], targets[j]);
                }
                var m = ForecastMetrics.Of(actual, forecast);
                var p = ForecastMetrics.Of(actual, persistence);
                arvSum += m.AverageRelativeVariance;
                persistenceSum += p.AverageRelativeVariance;
                if (k == 1 && h == 1)
                {
                    fields.AddRange([("mae", Math.Round(m.MeanAbsoluteError, 6)), ("rmse", Math.Round(m.RootMeanSquaredError, 6)), ("arv", Math.Round(m.AverageRelativeVariance, 6)),
                        ("persistence_mae", Math.Round(p.MeanAbsoluteError, 6)), ("persistence_rmse", Math.Round(p.RootMeanSquaredError, 6)), ("persistence_arv", Math.Round(p.AverageRelativeVariance, 6))]);
                }
                else
                {
                    string key = $"{schema.Targets![j]}_h{step + 1}";
                    fields.AddRange([($"rmse_{key}", Math.Round(m.RootMeanSquaredError, 6)), ($"arv_{key}", Math.Round(m.AverageRelativeVariance, 6)), ($"persistence_arv_{key}", Math.Round(p.AverageRelativeVariance, 6))]);
                }
            }
        }
        if (k > 1 || h > 1)
        {
            fields.InsertRange(0, [("arv", Math.Round(arvSum / (k * h), 6)), ("persistence_arv", Math.Round(persistenceSum / (k * h), 6))]);
        }
        fields.Insert(0, ("segment", $"{series.Times[list[0] + 1]}–{series.Times[Math.Min(series.Rows - 1, list[^1] + h)]}"));
        return fields;
    }
}
