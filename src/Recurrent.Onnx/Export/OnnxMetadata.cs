using System.Text.Json;
using Recurrent.Layers;
using Recurrent.Models;

namespace Recurrent.Onnx.Export;

/// <summary>
/// What an exported graph carries besides its weights, in the ONNX model's <c>metadata_props</c> (ONNX Runtime:
/// <c>session.ModelMetadata.CustomMetadataMap</c>), so that a runtime can use the model without Recurrent's file:
/// <c>recurrent.kind</c> and <c>recurrent.config</c> (the model's kind and configuration as the model file records
/// them), every string of the model's own metadata (a task model's vocabularies, labels and columns), and for the
/// char-LM <c>vocabulary</c>, its characters in id order as a JSON array of strings.
/// </summary>
internal static class OnnxMetadata
{
    public static IEnumerable<(string Key, string Value)> Of(Module<float> model)
    {
        if (model.Describe() is not { } description) yield break;
        yield return ("recurrent.kind", description.Kind);
        yield return ("recurrent.config", description.Config);
        if (model is CharLanguageModel<float> { Vocabulary: { } vocabulary })
        {
            // A plain JSON array rather than the model file's escaped line: what a serving program parses in one call.
            var symbols = new string[vocabulary.Count];
            for (int i = 0; i < symbols.Length; i++) symbols[i] = vocabulary[i].ToString();
            yield return ("vocabulary", JsonSerializer.Serialize(symbols));
            yield break;
        }
        if (description.Metadata is { } metadata) foreach (var (key, value) in metadata.OrderBy(p => p.Key, StringComparer.Ordinal)) yield return (key, value);
    }
}
