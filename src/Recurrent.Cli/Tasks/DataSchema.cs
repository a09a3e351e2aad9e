using System.Text.Json;
using System.Text.Json.Serialization;
using Recurrent.Data;
using Recurrent.Data.Files;

namespace Recurrent.Cli.Tasks;

/// <summary>
/// How a task's model reads its data, and what it learned from the training split: the columns by name, the
/// vocabularies, the label names and the feature statistics. Saved as JSON in the model file's metadata (key
/// <see cref="MetadataKey"/>), so that <c>evaluate</c> and <c>predict</c> need nothing but the model file and the data.
/// </summary>
internal sealed record DataSchema
{
    public const string MetadataKey = "data_schema";

    /// <summary>classify, tag, forecast or seq2seq.</summary>
    public required string Task { get; init; }

    /// <summary>The column (or JSONL field) holding a symbol sequence: characters or whitespace-separated tokens.</summary>
    public string? Input { get; init; }

    /// <summary>How <see cref="Input"/> splits into symbols.</summary>
    public SymbolLevel InputLevel { get; init; }

    /// <summary>Numeric columns read at every step (resolved names, in order).</summary>
    public string[]? Features { get; init; }

    /// <summary>For one row per sample: features per step (the row's <see cref="Features"/> are read as consecutive steps); 0 otherwise.</summary>
    public int StepFeatures { get; init; }

    /// <summary>For one row per step: the column naming each row's sequence.</summary>
    public string? Sequence { get; init; }

    /// <summary>The label (classify), the tags (tag) or the target sequence (seq2seq).</summary>
    public string? Label { get; init; }

    /// <summary>How a seq2seq target splits into symbols.</summary>
    public SymbolLevel LabelLevel { get; init; } = SymbolLevel.Words;

    /// <summary>Forecast: the time column (reported beside each forecast), or null.</summary>
    public string? Time { get; init; }

    /// <summary>Forecast: the columns predicted (a subset of, or equal to, <see cref="Features"/>).</summary>
    public string[]? Targets { get; init; }

    /// <summary>Forecast: steps of history each prediction reads.</summary>
    public int Window { get; init; }

    /// <summary>Forecast: steps predicted ahead.</summary>
    public int Horizon { get; init; }

    /// <summary>Forecast: whether the model reads and predicts first differences (y[t] − y[t−1]).</summary>
    public bool Difference { get; init; }

    /// <summary>What a missing numeric value does.</summary>
    public MissingValues Missing { get; init; }

    /// <summary>The input symbols, ids in order (specials first), built from the training split.</summary>
    public string[]? InputVocabulary { get; init; }

    /// <summary>Classes (classify), tags (tag) or target symbols with the specials (seq2seq), ids in order.</summary>
    public string[]? Classes { get; init; }

    /// <summary>Feature means of the training split (standardisation).</summary>
    public double[]? Mean { get; init; }

    /// <summary>Feature standard deviations of the training split (standardisation).</summary>
    public double[]? Scale { get; init; }

    /// <summary>Whether samples read symbols (through an embedding) rather than numeric features.</summary>
    [JsonIgnore]
    public bool Symbolic => Input is not null;

    public string ToJson() => JsonSerializer.Serialize(this, Options);

    /// <summary>The schema a model file carries; a one-line error naming the file if it has none or it is damaged.</summary>
    public static DataSchema FromMetadata(IDictionary<string, string> metadata, string file)
    {
        if (!metadata.TryGetValue(MetadataKey, out string? json))
        {
            throw new InvalidDataException($"{file}: the model has no data schema; it was not trained by 'recurrent train' (use 'recurrent charlm' for char-LM files, or the library).");
        }
        try
        {
            var schema = JsonSerializer.Deserialize<DataSchema>(json, Options) ?? throw new JsonException("null");
            schema.Check(file);
            return schema;
        }
        catch (JsonException e)
        {
            throw new InvalidDataException($"{file}: the data schema is damaged ({e.Message.ReplaceLineEndings(" ")}).");
        }
    }

    private void Check(string file)
    {
        string? problem = Task switch
        {
            "classify" or "tag" when Classes is not { Length: > 0 } => "it lists no classes",
            "seq2seq" when Classes is not { Length: > 3 } || InputVocabulary is null => "it lists no vocabularies",
            "forecast" when Features is null || Targets is null || Mean?.Length != Features.Length || Scale?.Length != Features.Length || Window < 1 || Horizon < 1 => "its columns, statistics or window are inconsistent",
            "classify" or "tag" or "seq2seq" or "forecast" => null,
            _ => $"its task '{Task}' is unknown",
        };
        if (problem is null && Symbolic && InputVocabulary is not { Length: > 0 }) problem = "it lists no input vocabulary";
        if (problem is null && !Symbolic && Task != "forecast" && (Features is not { Length: > 0 } || Mean?.Length != (StepFeatures > 0 ? StepFeatures : Features.Length) || Scale?.Length != Mean?.Length))
        {
            problem = "its feature columns and statistics disagree";
        }
        if (problem is not null) throw new InvalidDataException($"{file}: the data schema is inconsistent: {problem}.");
    }

    private static readonly JsonSerializerOptions Options = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
        Converters = { new JsonStringEnumConverter(JsonNamingPolicy.SnakeCaseLower) },
    };
}
