using System.Text.Json.Serialization;
using Recurrent.Layers;

namespace Recurrent.Models;

/// <summary>Source-generated JSON for the models' configurations (no reflection, so the library stays AOT-compatible).</summary>
[JsonSourceGenerationOptions(UseStringEnumConverter = true)]
[JsonSerializable(typeof(RecurrentSpec))]
[JsonSerializable(typeof(SequenceClassifierConfig))]
[JsonSerializable(typeof(SequenceTaggerConfig))]
[JsonSerializable(typeof(SequenceGeneratorConfig))]
[JsonSerializable(typeof(Seq2SeqConfig))]
[JsonSerializable(typeof(CharModelConfig))]
[JsonSerializable(typeof(SequentialConfig))]
internal sealed partial class ModelJson : JsonSerializerContext;
