using System.Globalization;
using System.Text;
using System.Text.Json;
using Recurrent.Data;

namespace Recurrent.Cli.Tasks;

/// <summary>
/// Writes a task model's predictions: streamed in chunks, so that a file far larger than memory is predicted in
/// bounded memory (except one-row-per-step files, which are grouped first).
/// </summary>
internal static class TaskPrediction
{
    private const int Chunk = 1024, BatchSize = 256;

    /// <summary>Standard output, or a temporary file renamed over <paramref name="path"/> on <see cref="Output.Commit"/>.</summary>
    public static Output OpenOutput(string? path) => new(path);

    public static void Samples(TaskModel model, string? dataPath, string? text, int beam, TextWriter writer)
    {
        var schema = model.Schema;
        if (text is not null)
        {
            if (!schema.Symbolic) throw new UsageException($"this {schema.Task} model reads numeric features; give them in a file with --data.");
            var symbols = TokenVocabulary.Split(text, schema.InputLevel);
            if (symbols.Count == 0) throw new UsageException("--text is empty; expected at least one symbol.");
            var sample = new RawSample { Line = 1, Key = text, Symbols = symbols, Steps = symbols.Count };
            Write(model, TaskData.Encode(schema, [sample], "--text", labelled: false), beam, writer, header: false, typed: true);
            return;
        }
        bool header = true;
        var chunk = new List<RawSample>(Chunk);
        foreach (var sample in SampleReader.Stream(dataPath!, schema, labelled: false))
        {
            chunk.Add(sample);
            if (chunk.Count < Chunk) continue;
            Write(model, TaskData.Encode(schema, chunk, dataPath!, labelled: false), beam, writer, header, typed: false);
            (header, chunk) = (false, new List<RawSample>(Chunk));
        }
        if (chunk.Count > 0 || header) Write(model, TaskData.Encode(schema, chunk, dataPath!, labelled: false), beam, writer, header, typed: false);
    }

    private static void Write(TaskModel model, TaskData data, int beam, TextWriter writer, bool header, bool typed)
    {
        var schema = model.Schema;
        if (header && !typed)
        {
            if (schema.Task == "classify") writer.WriteLine(schema.Symbolic ? "line,input,prediction,probability" : "line,prediction,probability");
            if (schema.Task == "seq2seq") writer.WriteLine("input\tprediction");
        }
        if (data.Count == 0) return;
        var source = new TaskBatches(data, BatchSize, null);
        while (source.TryNext(out var batch))
        {
            if (schema.Task == "seq2seq")
            {
                var generated = model.Generate(batch, Predictions.Decoding(beam));
                for (int r = 0; r < batch.Count; r++)
                {
                    var raw = data.Raw[batch.Indices[r]];
                    string prediction = Predictions.Join(Predictions.Symbols(schema, generated[r]), schema.LabelLevel);
                    writer.WriteLine(typed ? prediction : $"{Predictions.Join(raw.Symbols!, schema.InputLevel)}\t{prediction}");
                }
                continue;
            }
            var logits = model.Outputs(batch);
            int classes = schema.Classes!.Length;
            var best = Predictions.Classes(logits, classes);
            for (int r = 0; r < batch.Count; r++)
            {
                var raw = data.Raw[batch.Indices[r]];
                if (schema.Task == "classify")
                {
                    double p = Predictions.Probability(logits, classes, r, best[r]);
                    if (typed)
                    {
                        var top = Enumerable.Range(0, classes).Select(c => (c, p: Predictions.Probability(logits, classes, r, c))).OrderByDescending(x => x.p).Take(3);
                        writer.WriteLine(string.Join("  ", top.Select(x => string.Create(CultureInfo.InvariantCulture, $"{schema.Classes[x.c]} {x.p:P1}"))));
                        continue;
                    }
                    string line = raw.Line.ToString(CultureInfo.InvariantCulture);
                    string probability = p.ToString("F4", CultureInfo.InvariantCulture);
                    writer.WriteLine(schema.Symbolic
                        ? $"{line},{Csv(Predictions.Join(raw.Symbols!, schema.InputLevel))},{Csv(schema.Classes[best[r]])},{probability}"
                        : $"{line},{Csv(schema.Classes[best[r]])},{probability}");
                    continue;
                }
                int steps = batch.Inputs.Dim(1);
                var tags = new string[batch.Lengths[r]];
                for (int t = 0; t < tags.Length; t++) tags[t] = schema.Classes[best[r * steps + t]];
                if (typed && raw.Symbols is not null)
                {
                    writer.WriteLine(string.Join(' ', raw.Symbols.Select((s, t) => $"{s}/{tags[t]}")));
                    continue;
                }
                writer.WriteLine(JsonSerializer.Serialize(new Dictionary<string, object>
                {
                    ["line"] = raw.Line,
                    ["input"] = raw.Symbols ?? (object)raw.Key,
                    ["tags"] = tags,
                }));
            }
        }
    }

    /// <summary>
    /// Forecasts <paramref name="steps"/> ahead from the last row, or from every row between <paramref name="from"/>
    /// and <paramref name="to"/>: a CSV of origin, step and each target's forecast (and actual value when known).
    /// Beyond the model's horizon, forecasts are fed back as inputs, which needs a model that reads only its targets.
    /// </summary>
    public static void Forecast(TaskModel model, string dataPath, int steps, string? from, string? to, TextWriter writer, string? plotPath)
    {
        var schema = model.Schema;
        if (steps > schema.Horizon && !schema.Features!.ToHashSet().SetEquals(schema.Targets!))
        {
            throw new UsageException($"--horizon {steps} exceeds the model's {schema.Horizon}, and the model reads columns it does not forecast ({string.Join(", ", schema.Features!.Except(schema.Targets!))}), so its forecasts cannot be fed back.");
        }
        var series = CommonOptions.ReadInput("--data", dataPath, () => SeriesData.Read(dataPath, schema));
        var stats = new Standardizer(schema.Mean!, schema.Scale!);
        var (first, last) = from is null && to is null ? (series.Rows - 1, series.Rows - 1) : series.Range(from, to, "--from/--to");
        first = Math.Max(first, SeriesData.FirstOrigin(schema));
        if (first > last) throw new UsageException($"--from: a forecast needs {SeriesData.FirstOrigin(schema) + 1} rows of history (--window {schema.Window}).");
        int k = schema.Targets!.Length;
        writer.WriteLine("origin,step," + string.Join(',', schema.Targets.Select(t => Csv(t + "_forecast"))) + "," + string.Join(',', schema.Targets.Select(t => Csv(t + "_actual"))));
        var plotted = new List<(int Origin, double[] Forecast)>();
        int[] targets = SeriesData.TargetIndices(schema);
        for (int origin = first; origin <= last; origin++)
        {
            var forecast = Roll(model, series, stats, origin, steps);
            plotted.Add((origin, forecast));
            for (int s = 0; s < steps; s++)
            {
                var sb = new StringBuilder();
                sb.Append(Csv(series.Times[origin])).Append(',').Append(s + 1);
                for (int j = 0; j < k; j++) sb.Append(',').Append(forecast[s * k + j].ToString("G6", CultureInfo.InvariantCulture));
                for (int j = 0; j < k; j++) sb.Append(',').Append(origin + 1 + s < series.Rows ? series.Level(origin + 1 + s, targets[j]).ToString("G6", CultureInfo.InvariantCulture) : "");
                writer.WriteLine(sb.ToString());
            }
        }
        if (plotPath is not null) Plotting.ForecastPlot.Write(series, schema, plotted, steps, plotPath);
    }

    /// <summary>Forecasts <paramref name="steps"/> levels (steps, targets) from <paramref name="origin"/>, feeding forecasts back beyond the horizon.</summary>
    private static double[] Roll(TaskModel model, SeriesData series, Standardizer stats, int origin, int steps)
    {
        var schema = model.Schema;
        int k = schema.Targets!.Length;
        var result = new List<double>(steps * k);
        var current = series;
        int at = origin;
        while (result.Count < steps * k)
        {
            var data = current.Windows(schema, stats, [at]);
            var batch = TaskBatches.Fill(data, [0]);
            var levels = current.ToLevels(schema, stats, at, model.Outputs(batch).Span);
            result.AddRange(levels);
            if (result.Count >= steps * k) break;
            current = current.Continue(at, levels, schema);
            at += schema.Horizon;
        }
        return [.. result.Take(steps * k)];
    }

    private static string Csv(string field) =>
        field.IndexOfAny([',', '"', '\n', '\r']) >= 0 ? "\"" + field.Replace("\"", "\"\"") + "\"" : field;

    /// <summary>Where predictions go: standard output, or a file written whole or not at all.</summary>
    public sealed class Output : IDisposable
    {
        private readonly string? _path;
        private readonly string? _temporary;

        public Output(string? path)
        {
            _path = path;
            if (path is null)
            {
                Writer = Console.Out;
                return;
            }
            if (Directory.Exists(path)) throw new UsageException($"--out: '{path}' is a directory; expected a file.");
            string folder = Path.GetDirectoryName(Path.GetFullPath(path))!;
            CommonOptions.PrepareOutputFolder(folder, "--out");
            _temporary = path + $".tmp-{Environment.ProcessId}";
            Writer = new StreamWriter(_temporary, false, new UTF8Encoding(false));
        }

        public TextWriter Writer { get; }

        public void Commit()
        {
            if (_temporary is null) return;
            Writer.Dispose();
            File.Move(_temporary, _path!, overwrite: true);
        }

        public void Dispose()
        {
            if (_temporary is null) return;
            Writer.Dispose();
            if (File.Exists(_temporary)) File.Delete(_temporary);
        }
    }
}
