using System.Globalization;
using Recurrent.Data;
using Recurrent.Data.Files;

namespace Recurrent.Cli.Tasks;

/// <summary>
/// A multivariate time series read from a CSV or TSV file, one row per time step, and the forecasting windows cut
/// from it: <c>window</c> steps of every feature column in, the next <c>horizon</c> steps of the target columns out.
/// </summary>
/// <remarks>
/// With <see cref="DataSchema.Difference"/>, the model reads and predicts first differences y[t] − y[t−1], and a
/// forecast is turned back into levels by adding the differences to the last known value: the usual way to let a
/// model trained on one range of a trending series (the macro data) forecast beyond it.
/// </remarks>
internal sealed class SeriesData
{
    private SeriesData(string name, string[] times, long[] lines, double[] levels, int features)
    {
        Name = name;
        Times = times;
        Lines = lines;
        Levels = levels;
        Features = features;
    }

    public string Name { get; }

    /// <summary>The time column's text at each row (the row number when there is none).</summary>
    public string[] Times { get; }

    /// <summary>The file line of each row.</summary>
    public long[] Lines { get; }

    /// <summary>Feature values, row-major (rows, features), in the schema's feature order.</summary>
    public double[] Levels { get; }

    public int Features { get; }

    public int Rows => Times.Length;

    public double Level(int row, int feature) => Levels[row * Features + feature];

    /// <summary>Reads the schema's feature columns; missing values follow <see cref="DataSchema.Missing"/>.</summary>
    public static SeriesData Read(string path, DataSchema schema)
    {
        using var reader = DelimitedReader.Open(path);
        int[] columns = [.. schema.Features!.Select(reader.Column)];
        int time = schema.Time is null ? -1 : reader.Column(schema.Time);
        var times = new List<string>();
        var lines = new List<long>();
        var values = new List<double>();
        while (reader.Read())
        {
            if (schema.Missing == MissingValues.Drop && columns.Any(reader.IsMissing)) continue;
            foreach (int c in columns) values.Add(schema.Missing == MissingValues.Interpolate && reader.IsMissing(c) ? double.NaN : reader.Number(c));
            times.Add(time < 0 ? reader.Line.ToString(CultureInfo.InvariantCulture) : reader.Text(time).Trim());
            lines.Add(reader.Line);
        }
        int f = columns.Length, rows = times.Count;
        if (rows == 0) throw new InvalidDataException($"{reader.Name}: no rows; expected one row per time step after the header.");
        var levels = values.ToArray();
        if (schema.Missing == MissingValues.Interpolate)
        {
            var column = new double[rows];
            for (int j = 0; j < f; j++)
            {
                bool any = false;
                for (int r = 0; r < rows; r++) any |= !double.IsNaN(column[r] = levels[r * f + j]);
                if (!any) throw new InvalidDataException($"{reader.Name}: column '{schema.Features![j]}' has no values; nothing to interpolate from.");
                SeriesFill.Interpolate(column);
                for (int r = 0; r < rows; r++) levels[r * f + j] = column[r];
            }
        }
        return new SeriesData(reader.Name, [.. times], [.. lines], levels, f);
    }

    /// <summary>The rows whose time lies in [<paramref name="from"/>, <paramref name="to"/>] (numbers compared as numbers); all rows when both are null.</summary>
    public (int First, int Last) Range(string? from, string? to, string option)
    {
        int first = 0, last = Rows - 1;
        if (from is not null) first = Enumerable.Range(0, Rows).FirstOrDefault(r => Compare(Times[r], from) >= 0, -1);
        if (to is not null) last = Enumerable.Range(0, Rows).LastOrDefault(r => Compare(Times[r], to) <= 0, -1);
        if (first < 0 || last < 0 || first > last)
        {
            throw new UsageException($"{option}: no rows of {Name} lie between {from ?? "the start"} and {to ?? "the end"} (its times run from {Times[0]} to {Times[^1]}).");
        }
        return (first, last);
    }

    /// <summary>The value the model sees at a row: the level, or its difference from the previous row's.</summary>
    public double Input(int row, int feature, bool difference) =>
        difference ? Level(row, feature) - Level(row - 1, feature) : Level(row, feature);

    /// <summary>The first row that has a full window of history.</summary>
    public static int FirstOrigin(DataSchema schema) => schema.Window - 1 + (schema.Difference ? 1 : 0);

    /// <summary>
    /// The windows ending at each origin row: inputs standardised with <paramref name="stats"/>, and when every
    /// following step is known, the standardised values to predict (targets × horizon); otherwise empty values.
    /// </summary>
    public TaskData Windows(DataSchema schema, Standardizer stats, IReadOnlyList<int> origins)
    {
        int w = schema.Window, h = schema.Horizon, f = Features;
        int[] targets = TargetIndices(schema);
        var inputs = new float[origins.Count][];
        var values = new float[origins.Count][];
        var raw = new List<RawSample>(origins.Count);
        var row = new double[f];
        for (int n = 0; n < origins.Count; n++)
        {
            int t = origins[n];
            var x = inputs[n] = new float[w * f];
            for (int s = 0; s < w; s++)
            {
                for (int j = 0; j < f; j++) row[j] = Input(t - w + 1 + s, j, schema.Difference);
                stats.Transform(row, x.AsSpan(s * f, f));
            }
            var y = values[n] = t + h < Rows ? new float[h * targets.Length] : [];
            for (int k = 0; k < h && y.Length > 0; k++)
            {
                for (int j = 0; j < targets.Length; j++) y[k * targets.Length + j] = (float)stats.Transform(Input(t + 1 + k, targets[j], schema.Difference), targets[j]);
            }
            raw.Add(new RawSample { Line = Lines[t], Key = Times[t], Steps = w });
        }
        return TaskData.Windows(schema, raw, inputs, values);
    }

    /// <summary>Turns a model's standardised outputs at <paramref name="origin"/> back into levels, (horizon, targets) row-major.</summary>
    public double[] ToLevels(DataSchema schema, Standardizer stats, int origin, ReadOnlySpan<float> output)
    {
        int[] targets = TargetIndices(schema);
        var levels = new double[output.Length];
        for (int j = 0; j < targets.Length; j++)
        {
            double level = Level(origin, targets[j]);
            for (int k = 0; k < schema.Horizon; k++)
            {
                double v = stats.Inverse(output[k * targets.Length + j], targets[j]);
                level = schema.Difference ? level + v : v;
                levels[k * targets.Length + j] = level;
            }
        }
        return levels;
    }

    /// <summary>
    /// The series cut after row <paramref name="origin"/> and continued by forecast levels (horizon, targets), for
    /// forecasting further ahead by feeding forecasts back (the model must read only its targets).
    /// </summary>
    public SeriesData Continue(int origin, double[] forecast, DataSchema schema)
    {
        int[] targets = TargetIndices(schema);
        int added = forecast.Length / targets.Length;
        var levels = new double[(origin + 1 + added) * Features];
        Array.Copy(Levels, levels, (origin + 1) * Features);
        for (int s = 0; s < added; s++) for (int j = 0; j < targets.Length; j++) levels[(origin + 1 + s) * Features + targets[j]] = forecast[s * targets.Length + j];
        string[] times = [.. Times.Take(origin + 1), .. Enumerable.Range(1, added).Select(s => $"{Times[origin]}+{s}")];
        long[] lines = [.. Lines.Take(origin + 1), .. Enumerable.Repeat(0L, added)];
        return new SeriesData(Name, times, lines, levels, Features);
    }

    public static int[] TargetIndices(DataSchema schema) => [.. schema.Targets!.Select(t => Array.IndexOf(schema.Features!, t))];

    private static int Compare(string time, string bound) =>
        double.TryParse(time, NumberStyles.Float, CultureInfo.InvariantCulture, out double a) && double.TryParse(bound, NumberStyles.Float, CultureInfo.InvariantCulture, out double b)
            ? a.CompareTo(b)
            : string.CompareOrdinal(time, bound);
}
