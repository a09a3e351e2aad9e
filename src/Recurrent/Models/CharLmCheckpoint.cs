using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using Recurrent.Cells;
using Recurrent.Data.Text;
using Recurrent.Layers;
using Recurrent.Serialization;

namespace Recurrent.Models;

/// <summary>
/// How a <see cref="CharLanguageModel{T}"/> lives in a checkpoint: its weights under their PyTorch-style names, its
/// <see cref="CharModelConfig"/> as JSON, and its vocabulary, so that <c>charlm sample</c> and <c>charlm eval</c>
/// can rebuild it from the file alone.
/// </summary>
public static class CharLmCheckpoint
{
    /// <summary>The metadata value of <c>kind</c> that marks a character-model checkpoint.</summary>
    public const string Kind = "charlm";

    /// <summary>The name prefix of a trainer's carried recurrent state (truncated BPTT) in a checkpoint.</summary>
    public const string CarryPrefix = "carry.";

    /// <summary>The model's configuration as a JSON object, its recurrent stack under <c>rnn</c> as a <see cref="RecurrentSpec"/>.</summary>
    /// <param name="config">The configuration.</param>
    /// <returns>The JSON text.</returns>
    public static string ConfigToJson(CharModelConfig config) => new JsonObject
    {
        ["vocabulary_size"] = config.VocabularySize,
        ["embedding_size"] = config.EmbeddingSize,
        ["rnn"] = JsonSerializer.SerializeToNode(config.Rnn, ModelJson.Default.RecurrentSpec),
    }.ToJsonString();

    /// <summary>
    /// Reads a configuration written by <see cref="ConfigToJson"/>, or by earlier versions (flat <c>hidden_size</c>,
    /// <c>layers</c>, <c>cell</c>, <c>dropout</c> keys).
    /// </summary>
    /// <param name="json">The JSON text.</param>
    /// <param name="source">The file it came from, for messages.</param>
    /// <returns>The configuration.</returns>
    public static CharModelConfig ConfigFromJson(string json, string source)
    {
        try
        {
            var o = JsonNode.Parse(json)!.AsObject();
            var rnn = o["rnn"] is { } node
                ? node.Deserialize(ModelJson.Default.RecurrentSpec)!
                : new RecurrentSpec
                {
                    Cell = Enum.Parse<CellKind>((string)o["cell"]!), HiddenSize = (int)o["hidden_size"]!,
                    Layers = (int)o["layers"]!, Dropout = (double)o["dropout"]!,
                };
            var config = new CharModelConfig((int)o["vocabulary_size"]!, (int)o["embedding_size"]!, rnn);
            config.Validate();
            return config;
        }
        catch (Exception e) when (e is JsonException or InvalidOperationException or NullReferenceException or FormatException or ArgumentException)
        {
            throw new InvalidDataException($"{Path.GetFileName(source)}: the model configuration is not valid ({e.Message})", e);
        }
    }

    /// <summary>A checkpoint of <paramref name="model"/> (weights, configuration, vocabulary), to which a trainer adds its state.</summary>
    /// <param name="model">The model.</param>
    /// <param name="vocabulary">Its vocabulary.</param>
    /// <param name="extra">More tensors to save beside the weights (a trainer's carried state), or null.</param>
    /// <param name="optimizer">The optimizer state, or null.</param>
    /// <returns>The checkpoint, ready to <see cref="Checkpoint{T}.Save"/>.</returns>
    public static Checkpoint<float> Create(CharLanguageModel<float> model, CharVocabulary vocabulary,
        IReadOnlyDictionary<string, Tensors.Tensor<float>>? extra = null, Optimizers.OptimizerState<float>? optimizer = null)
    {
        var tensors = new Dictionary<string, Tensors.Tensor<float>>(model.StateDict(), StringComparer.Ordinal);
        if (extra is not null) foreach (var (k, v) in extra) tensors[k] = v;
        var checkpoint = new Checkpoint<float>(tensors, optimizer) { ModelConfig = ConfigToJson(model.Config) };
        checkpoint.Metadata["kind"] = Kind;
        checkpoint.Metadata["vocabulary"] = vocabulary.ToText();
        return checkpoint;
    }

    /// <summary>Loads a checkpoint and rebuilds its model and vocabulary; rejects files of other models clearly.</summary>
    /// <param name="path">The checkpoint file.</param>
    /// <returns>The checkpoint, the model with its weights, and the vocabulary.</returns>
    public static (Checkpoint<float> Checkpoint, CharLanguageModel<float> Model, CharVocabulary Vocabulary) Load(string path)
    {
        var checkpoint = Checkpoint<float>.Load(path);
        string name = Path.GetFileName(path);
        if (checkpoint.Metadata.GetValueOrDefault("kind") != Kind || checkpoint.ModelConfig is null)
        {
            throw new InvalidDataException($"{name}: not a character-model checkpoint (kind '{checkpoint.Metadata.GetValueOrDefault("kind") ?? "none"}'; expected '{Kind}').");
        }
        var config = ConfigFromJson(checkpoint.ModelConfig, path);
        if (!checkpoint.Metadata.TryGetValue("vocabulary", out string? vocabularyText))
        {
            throw new InvalidDataException($"{name}: the checkpoint has no vocabulary.");
        }
        CharVocabulary vocabulary;
        try
        {
            vocabulary = CharVocabulary.Parse(vocabularyText);
        }
        catch (FormatException e)
        {
            throw new InvalidDataException($"{name}: the vocabulary is not valid ({e.Message})", e);
        }
        if (vocabulary.Count != config.VocabularySize)
        {
            throw new InvalidDataException(string.Create(CultureInfo.InvariantCulture,
                $"{name}: the vocabulary has {vocabulary.Count} symbols; the model configuration says {config.VocabularySize}."));
        }
        var model = new CharLanguageModel<float>(config, new Tensors.Rng(0));
        // A trainer's carried state (carry.*) rides along in the file; a model restored for inference ignores it.
        var targets = model.NamedParameters().ToList();
        foreach (var (key, tensor) in checkpoint.Parameters)
        {
            if (key.StartsWith(CarryPrefix, StringComparison.Ordinal)) targets.Add((key, new Autodiff.Variable<float>(tensor.Clone())));
        }
        checkpoint.Restore(targets);
        return (checkpoint, model, vocabulary);
    }
}
