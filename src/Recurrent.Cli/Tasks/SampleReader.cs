using System.Globalization;
using Recurrent.Data;
using Recurrent.Data.Files;

namespace Recurrent.Cli.Tasks;

/// <summary>
/// Reads the samples of a classify, tag or seq2seq data file as its <see cref="DataSchema"/> describes them:
/// <list type="bullet">
/// <item>CSV or TSV, one row per sample, with a symbol column (characters or tokens) and its label, tags or target;</item>
/// <item>CSV or TSV, one row per sample, with numeric columns read as steps of <see cref="DataSchema.StepFeatures"/> values;</item>
/// <item>CSV or TSV, one row per step, with a sequence-id column grouping the rows of each sample;</item>
/// <item>JSONL, one object per sample, for tagged sequences and seq2seq pairs (a target may be a list of references).</item>
/// </list>
/// Every defect is an <see cref="InvalidDataException"/> naming the file, line and column.
/// </summary>
internal static class SampleReader
{
    /// <summary>Reads every sample of <paramref name="path"/>; with <paramref name="labelled"/> false the label column may be absent.</summary>
    public static List<RawSample> Read(string path, DataSchema schema, bool labelled)
    {
        var samples = new List<RawSample>();
        var byKey = new Dictionary<string, RawSample>(StringComparer.Ordinal);
        foreach (var sample in Stream(path, schema, labelled))
        {
            // seq2seq: samples with the same source are one sample with several references
            if (schema.Task == "seq2seq" && byKey.TryGetValue(sample.Key, out var seen))
            {
                seen.References!.AddRange(sample.References!);
                continue;
            }
            if (schema.Task == "seq2seq") byKey.Add(sample.Key, sample);
            samples.Add(sample);
        }
        if (samples.Count == 0) throw new InvalidDataException($"{path}: no samples; expected {(IsJsonLines(path) ? "one JSON object per line" : "rows after the header")}.");
        return samples;
    }

    /// <summary>
    /// The samples of <paramref name="path"/> one at a time, reading as it goes (bounded memory, for <c>predict</c> on
    /// large files), except for one-row-per-step files, whose rows are grouped by sequence first. Repeated seq2seq
    /// sources are not merged.
    /// </summary>
    public static IEnumerable<RawSample> Stream(string path, DataSchema schema, bool labelled)
    {
        if (IsJsonLines(path)) return ReadJsonLines(path, schema, labelled);
        if (schema.Symbolic) return ReadSymbolRows(path, schema, labelled);
        return schema.Sequence is null ? ReadWideRows(path, schema, labelled) : ReadStepRows(path, schema, labelled);
    }

    public static bool IsJsonLines(string path) =>
        path.EndsWith(".jsonl", StringComparison.OrdinalIgnoreCase) || path.EndsWith(".ndjson", StringComparison.OrdinalIgnoreCase);

    private static int LabelColumn(DelimitedReader reader, DataSchema schema, bool labelled) =>
        schema.Label is null ? -1
        : labelled ? reader.Column(schema.Label)
        : reader.Columns.Contains(schema.Label) ? reader.Column(schema.Label) : -1;

    private static IEnumerable<RawSample> ReadSymbolRows(string path, DataSchema schema, bool labelled)
    {
        using var reader = DelimitedReader.Open(path);
        int input = reader.Column(schema.Input!);
        int label = LabelColumn(reader, schema, labelled);
        while (reader.Read())
        {
            string text = reader.Text(input);
            var symbols = TokenVocabulary.Split(text, schema.InputLevel);
            if (symbols.Count == 0) throw reader.Error(input, "empty sequence.");
            string? labelText = label < 0 ? null : reader.Text(label);
            if (labelText is not null && string.IsNullOrWhiteSpace(labelText)) throw reader.Error(label, "missing value.");
            switch (schema.Task)
            {
                case "classify":
                    yield return new RawSample { Line = reader.Line, Key = text, Symbols = symbols, Steps = symbols.Count, Label = labelText?.Trim() };
                    break;
                case "tag":
                    var tags = labelText is null ? null : TokenVocabulary.Split(labelText, SymbolLevel.Words);
                    if (tags is not null && tags.Count != symbols.Count)
                    {
                        throw reader.Error(label, $"{tags.Count} tags for {symbols.Count} input symbols; expected one tag per symbol.");
                    }
                    yield return new RawSample { Line = reader.Line, Key = text, Symbols = symbols, Steps = symbols.Count, Tags = tags };
                    break;
                default:
                    var target = labelText is null ? null : TokenVocabulary.Split(labelText, schema.LabelLevel);
                    yield return new RawSample { Line = reader.Line, Key = text, Symbols = symbols, Steps = symbols.Count, References = target is null ? [] : [target] };
                    break;
            }
        }
    }

    private static IEnumerable<RawSample> ReadWideRows(string path, DataSchema schema, bool labelled)
    {
        using var reader = DelimitedReader.Open(path);
        int[] features = [.. schema.Features!.Select(reader.Column)];
        int label = LabelColumn(reader, schema, labelled);
        int perStep = schema.StepFeatures, steps = features.Length / perStep;
        var values = new double[features.Length];
        while (reader.Read())
        {
            if (!ReadNumbers(reader, features, values, schema.Missing)) continue;
            var copy = (double[])values.Clone();
            if (schema.Missing == MissingValues.Interpolate) Interpolate(copy, steps, perStep, reader);
            string? labelText = label < 0 ? null : LabelText(reader, label);
            var sample = schema.Task == "tag"
                ? new RawSample { Line = reader.Line, Key = Line(reader), Values = copy, Steps = steps, Tags = labelText is null ? null : StepTags(reader, label, labelText, steps) }
                : new RawSample { Line = reader.Line, Key = Line(reader), Values = copy, Steps = steps, Label = labelText };
            yield return sample;
        }
    }

    private static List<RawSample> ReadStepRows(string path, DataSchema schema, bool labelled)
    {
        using var reader = DelimitedReader.Open(path);
        int[] features = [.. schema.Features!.Select(reader.Column)];
        int id = reader.Column(schema.Sequence!);
        int label = LabelColumn(reader, schema, labelled);
        var order = new List<string>();
        var sequences = new Dictionary<string, (long Line, List<double> Values, List<string> Labels)>(StringComparer.Ordinal);
        var values = new double[features.Length];
        while (reader.Read())
        {
            string key = reader.Text(id);
            if (string.IsNullOrWhiteSpace(key)) throw reader.Error(id, "missing sequence id.");
            if (!ReadNumbers(reader, features, values, schema.Missing)) continue;
            if (!sequences.TryGetValue(key, out var sequence))
            {
                sequence = (reader.Line, new List<double>(), new List<string>());
                sequences.Add(key, sequence);
                order.Add(key);
            }
            sequence.Values.AddRange(values);
            if (label >= 0)
            {
                string text = LabelText(reader, label);
                if (schema.Task == "classify" && sequence.Labels.Count > 0 && sequence.Labels[0] != text)
                {
                    throw reader.Error(label, $"'{text}' differs from '{sequence.Labels[0]}' earlier in sequence '{key}'; a classified sequence has one label.");
                }
                sequence.Labels.Add(text);
            }
        }
        var samples = new List<RawSample>(order.Count);
        foreach (string key in order)
        {
            var (line, list, labels) = sequences[key];
            var flat = list.ToArray();
            int steps = flat.Length / features.Length;
            if (schema.Missing == MissingValues.Interpolate) Interpolate(flat, steps, features.Length, null, reader.Name, line);
            samples.Add(schema.Task == "tag"
                ? new RawSample { Line = line, Key = key, Values = flat, Steps = steps, Tags = label < 0 ? null : labels }
                : new RawSample { Line = line, Key = key, Values = flat, Steps = steps, Label = label < 0 ? null : labels[0] });
        }
        return samples;
    }

    private static IEnumerable<RawSample> ReadJsonLines(string path, DataSchema schema, bool labelled)
    {
        if (!schema.Symbolic) throw new UsageException($"{path}: JSONL data holds symbol sequences; give --input FIELD (numeric features are read from CSV or TSV).");
        using var reader = JsonLinesReader.Open(path);
        while (reader.Read())
        {
            var symbols = reader.Current.GetProperty(schema.Input!).ValueKind == System.Text.Json.JsonValueKind.Array
                ? reader.Tokens(schema.Input!)
                : TokenVocabulary.Split(reader.Text(schema.Input!), schema.InputLevel);
            if (symbols.Count == 0) throw reader.Error(schema.Input!, "empty sequence.");
            string key = string.Join('\u001f', symbols);
            bool hasLabel = schema.Label is not null && reader.Has(schema.Label);
            if (labelled && !hasLabel) throw reader.Error(schema.Label!, "missing.");
            switch (schema.Task)
            {
                case "classify":
                    yield return new RawSample { Line = reader.Line, Key = key, Symbols = symbols, Steps = symbols.Count, Label = hasLabel ? reader.Text(schema.Label!).Trim() : null };
                    break;
                case "tag":
                    var tags = hasLabel ? reader.Tokens(schema.Label!) : null;
                    if (tags is not null && tags.Count != symbols.Count) throw reader.Error(schema.Label!, $"{tags.Count} tags for {symbols.Count} input symbols; expected one tag per symbol.");
                    yield return new RawSample { Line = reader.Line, Key = key, Symbols = symbols, Steps = symbols.Count, Tags = tags };
                    break;
                default:
                    var references = hasLabel ? reader.Texts(schema.Label!).Select(t => TokenVocabulary.Split(t, schema.LabelLevel)).ToList() : [];
                    yield return new RawSample { Line = reader.Line, Key = key, Symbols = symbols, Steps = symbols.Count, References = references };
                    break;
            }
        }
    }

    /// <summary>Reads the feature columns; returns false when the row is dropped for a missing value.</summary>
    private static bool ReadNumbers(DelimitedReader reader, int[] columns, double[] values, MissingValues missing)
    {
        for (int i = 0; i < columns.Length; i++)
        {
            if (missing != MissingValues.Error && reader.IsMissing(columns[i]))
            {
                if (missing == MissingValues.Drop) return false;
                values[i] = double.NaN;
                continue;
            }
            values[i] = reader.Number(columns[i]);
        }
        return true;
    }

    private static void Interpolate(double[] values, int steps, int perStep, DelimitedReader? reader, string? name = null, long line = 0)
    {
        var column = new double[steps];
        for (int f = 0; f < perStep; f++)
        {
            bool any = false;
            for (int t = 0; t < steps; t++) any |= !double.IsNaN(column[t] = values[t * perStep + f]);
            if (!any)
            {
                string where = reader is null ? $"{name}:{line}" : $"{reader.Name}:{reader.Line}";
                throw new InvalidDataException($"{where}: feature {f + 1} of every step is missing; nothing to interpolate from.");
            }
            SeriesFill.Interpolate(column);
            for (int t = 0; t < steps; t++) values[t * perStep + f] = column[t];
        }
    }

    private static string LabelText(DelimitedReader reader, int label)
    {
        if (reader.IsMissing(label)) throw reader.Error(label, "missing value.");
        return reader.Text(label).Trim();
    }

    private static List<string> StepTags(DelimitedReader reader, int label, string text, int steps)
    {
        var tags = TokenVocabulary.Split(text, SymbolLevel.Words).ToList();
        if (tags.Count != steps) throw reader.Error(label, $"{tags.Count} tags for {steps} steps; expected one tag per step.");
        return tags;
    }

    private static string Line(DelimitedReader reader) => reader.Line.ToString(CultureInfo.InvariantCulture);
}
