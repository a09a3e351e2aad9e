using Recurrent.Data;

namespace Recurrent.Cli.Tasks;

/// <summary>
/// The samples of a classify, tag or seq2seq task as numbers: input symbols as ids or features standardised with the
/// training split's statistics, and labels, tags or target symbols as ids of the schema's classes.
/// </summary>
internal sealed class TaskData
{
    private TaskData(DataSchema schema, List<RawSample> raw, float[][] inputs, int features, int[] labels, int[][] tags, int[][] targets, float[][]? values = null)
    {
        Values = values ?? [];
        Schema = schema;
        Raw = raw;
        Inputs = inputs;
        Features = features;
        Labels = labels;
        Tags = tags;
        Targets = targets;
    }

    public DataSchema Schema { get; }

    /// <summary>The samples as read.</summary>
    public List<RawSample> Raw { get; }

    /// <summary>Each sample's steps, row-major (steps, <see cref="Features"/>); symbol ids stored as numbers.</summary>
    public float[][] Inputs { get; }

    /// <summary>Values per step: 1 for symbol ids.</summary>
    public int Features { get; }

    /// <summary>Classify: each sample's class (−1 without labels).</summary>
    public int[] Labels { get; }

    /// <summary>Tag: each sample's tag per step (empty without labels).</summary>
    public int[][] Tags { get; }

    /// <summary>Seq2seq: each sample's first reference as target ids (empty without targets).</summary>
    public int[][] Targets { get; }

    /// <summary>Forecast: each sample's standardised values to predict, (horizon, targets) row-major.</summary>
    public float[][] Values { get; }

    public int Count => Raw.Count;

    /// <summary>Forecast windows: inputs (window, features) and the values that follow them.</summary>
    public static TaskData Windows(DataSchema schema, List<RawSample> origins, float[][] inputs, float[][] values) =>
        new(schema, origins, inputs, schema.Features!.Length, [], [], [], values);

    /// <summary>Learns the vocabularies, classes and feature statistics of <paramref name="schema"/> from the training samples.</summary>
    public static DataSchema Learn(DataSchema schema, List<RawSample> training)
    {
        if (schema.Symbolic)
        {
            schema = schema with { InputVocabulary = [.. ByCount(training.SelectMany(s => s.Symbols!)).Prepend(TokenVocabulary.Unknown).Prepend(TokenVocabulary.End).Prepend(TokenVocabulary.Start).Prepend(TokenVocabulary.Pad)] };
        }
        else
        {
            int features = schema.StepFeatures > 0 ? schema.StepFeatures : schema.Features!.Length;
            var all = training.SelectMany(s => s.Values!).ToArray();
            var stats = Standardizer.Fit(all, features);
            schema = schema with { Mean = [.. stats.Mean], Scale = [.. stats.Scale] };
        }
        string[] classes = schema.Task switch
        {
            "classify" => [.. training.Select(s => s.Label ?? throw Unlabelled(s)).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal)],
            "tag" => [.. training.SelectMany(s => s.Tags ?? throw Unlabelled(s)).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal)],
            _ => [TokenVocabulary.Pad, TokenVocabulary.Start, TokenVocabulary.End, .. ByCount(training.SelectMany(s => s.References!.Count > 0 ? s.References[0] : throw Unlabelled(s)))],
        };
        return schema with { Classes = classes };
    }

    /// <summary>Encodes <paramref name="raw"/> with the learned schema; with <paramref name="labelled"/>, a label unseen in training is an error naming the file and line.</summary>
    public static TaskData Encode(DataSchema schema, List<RawSample> raw, string file, bool labelled)
    {
        var input = schema.Symbolic ? Vocabulary(schema.InputVocabulary!) : null;
        var standardizer = schema.Symbolic ? null : new Standardizer(schema.Mean!, schema.Scale!);
        int features = standardizer?.Features ?? 1;
        var classIds = new Dictionary<string, int>(StringComparer.Ordinal);
        var classes = schema.Classes!;
        for (int i = 0; i < classes.Length; i++) classIds[classes[i]] = i;
        var inputs = new float[raw.Count][];
        var labels = new int[schema.Task == "classify" ? raw.Count : 0];
        var tags = new int[schema.Task == "tag" ? raw.Count : 0][];
        var targets = new int[schema.Task == "seq2seq" ? raw.Count : 0][];
        for (int n = 0; n < raw.Count; n++)
        {
            var s = raw[n];
            if (input is not null)
            {
                var ids = input.EncodeSymbols(s.Symbols!);
                inputs[n] = Array.ConvertAll(ids, id => (float)id);
            }
            else
            {
                if (s.Values!.Length != s.Steps * features) throw new InvalidDataException($"{file}:{s.Line}: {s.Values.Length / Math.Max(1, s.Steps)} features per step; the model reads {features}.");
                inputs[n] = new float[s.Values.Length];
                standardizer!.Transform(s.Values, inputs[n]);
            }
            switch (schema.Task)
            {
                case "classify":
                    labels[n] = s.Label is null ? (labelled ? throw Unlabelled(s, file) : -1) : ClassId(s.Label, s, schema, classIds, file);
                    break;
                case "tag":
                    tags[n] = s.Tags is null ? (labelled ? throw Unlabelled(s, file) : []) : [.. s.Tags.Select(t => ClassId(t, s, schema, classIds, file))];
                    break;
                case "seq2seq":
                    // Target symbols unseen in training cannot be produced; for the loss they are skipped, while the
                    // metrics compare the text of the references, so they still count as errors.
                    targets[n] = s.References is { Count: > 0 } r ? [.. r[0].Where(classIds.ContainsKey).Select(t => classIds[t])] : [];
                    if (labelled && s.References is not { Count: > 0 }) throw Unlabelled(s, file);
                    break;
            }
        }
        return new TaskData(schema, raw, inputs, features, labels, tags, targets);
    }

    /// <summary>The vocabulary a schema's token list describes (specials first).</summary>
    public static TokenVocabulary Vocabulary(string[] tokens)
    {
        bool unknown = tokens.Length > 3 && tokens[3] == TokenVocabulary.Unknown;
        return new TokenVocabulary(tokens.Skip(unknown ? 4 : 3), unknown);
    }

    private static int ClassId(string label, RawSample s, DataSchema schema, Dictionary<string, int> ids, string file) =>
        ids.TryGetValue(label, out int id) ? id
        : throw new InvalidDataException($"{file}:{s.Line}: column '{schema.Label}': '{label}' was not seen in training; the model knows {Known(schema.Classes!)}.");

    private static string Known(string[] classes) =>
        classes.Length <= 12 ? string.Join(", ", classes) : string.Join(", ", classes.Take(12)) + $", … ({classes.Length} in all)";

    private static IEnumerable<string> ByCount(IEnumerable<string> symbols) =>
        symbols.CountBy(s => s, StringComparer.Ordinal).OrderByDescending(p => p.Value).ThenBy(p => p.Key, StringComparer.Ordinal).Select(p => p.Key);

    private static InvalidDataException Unlabelled(RawSample s, string? file = null) =>
        new($"{file ?? "data"}:{s.Line}: the sample has no label; training and evaluation need one.");
}
