using System.Text.Json;
using Recurrent.Data.Text;
using Recurrent.Layers;
using Recurrent.Models;
using Recurrent.Onnx.Proto;
using Recurrent.Tensors;

namespace Recurrent.Onnx.Import;

/// <summary>
/// A character language model's graph as a <see cref="CharLanguageModel{T}"/>: token ids (B, T) → embedding → one
/// recurrent layer (unidirectional, L stacked nodes of one kind) → decoder on every step, scoring the V characters of
/// the embedding's table, with the state carried in and out (<c>h0</c> [<c>c0</c>] → <c>hn</c> [<c>cn</c>], (L, B, H)).
/// </summary>
/// <remarks>
/// Which graphs: those with an embedding and a decoder on every step whose recurrent nodes start from an initial-state
/// input (a Sequential starts from zeros, so the state in and out is what makes a streaming language model), or whose <c>metadata_props</c> say
/// <c>recurrent.kind = char-lm</c>. The metadata is only that hint; sizes and weights come from the graph, whose
/// structure must fit, or the import is refused. The vocabulary comes from the <c>vocabulary</c> metadata (a JSON array
/// of one-character strings, in id order) when present.
/// </remarks>
internal static class CharModelAssembler
{
    /// <summary>Whether the graph is read as a character language model.</summary>
    public static bool IsCharModel(GraphWalker walker, ModelProto model) =>
        Metadata(model, "recurrent.kind") == CharLanguageModel<float>.Kind
        || walker.Embedding is not null && walker.Head is { Input: { Stage: FlowStage.Sequence, Pooled: false } }
            && walker.Nodes.Any(n => n.InitialH is StateInputValue || n.InitialC is StateInputValue);

    /// <summary>The model, after checking that the graph's outputs are its logits (B, T, V) and final states.</summary>
    public static CharLanguageModel<float> Build(GraphWalker walker, ModelProto model, (string Name, GraphValue Value)[] outputs)
    {
        var context = walker.Context;
        var nodes = walker.Nodes;
        string what = "a character language model (ids → embedding → recurrent layer → decoder on every step, state in and out)";
        if (walker.Embedding is not { } table || walker.Head is not { } head || walker.Frames is not null)
        {
            throw context.Unsupported($"the graph is read as {what}, but it has {(walker.Embedding is null ? "no embedding" : walker.Head is null ? "no decoder" : "a frame encoder")}.");
        }
        var first = nodes[0];
        var other = nodes.FirstOrDefault(n => !first.SameLayerKind(n));
        if (other is not null) throw context.Unsupported($"recurrent nodes '{first.Name}' and '{other.Name}' differ; {what} has one recurrent layer of equal stacked nodes.");
        if (first.Directions != 1) throw context.Unsupported($"recurrent node '{first.Name}' is bidirectional; {what} runs forward, its decoder reads H = {first.Hidden} features.");
        if (walker.TimeAxis != "a1") throw context.Unsupported($"the model reads its ids '{walker.DataInput}' time-major (T, B); a character language model reads (B, T).");
        if (nodes.Any(n => n.Lengths is not null)) throw context.Unsupported($"recurrent node '{first.Name}' reads sequence_lens; a character language model runs every window over all its steps.");
        ModelAssembler.StateInput(walker, 'h');
        if (first.Cell == Cells.CellKind.Lstm) ModelAssembler.StateInput(walker, 'c');

        int vocabulary = table.Shape[0];
        if (head.Weight.Shape[0] != vocabulary) throw context.Unsupported($"the decoder scores {head.Weight.Shape[0]} outputs; {what} scores the embedding's {vocabulary} characters.");
        var x = head.Input;
        if (x is not { Stage: FlowStage.Sequence, Pooled: false, Axes: [var b, var t, var f] } || b.Name != walker.BatchAxis || t.Name != walker.TimeAxis || !ModelAssembler.FeaturesOf(f, 1))
        {
            throw context.Unsupported($"the decoder reads {ModelAssembler.Describe(x)}; {what} decodes every step (B, T, H).");
        }
        int rows = nodes.Count;
        int logits = 0;
        foreach (var (name, value) in outputs)
        {
            bool ok = value switch
            {
                Flow { Stage: FlowStage.Scores or FlowStage.Head, Axes: [var ob, var ot, _] } when ob.Name == walker.BatchAxis && ot.Name == walker.TimeAxis => ++logits == 1,
                Flow { Stage: FlowStage.State, RowStart: 0, Axes: [{ Name: "S" }, var sb, { Name: "H" }] } s => s.RowCount == rows && sb.Name == walker.BatchAxis,
                _ => false,
            };
            if (!ok) throw context.Unsupported($"graph output '{name}' is {ModelAssembler.Describe(value)}; {what} gives its logits (B, T, V) once and its final states (L, B, H).");
        }
        if (logits != 1) throw context.Unsupported($"the graph has no logits output; {what} gives them (B, T, V).");

        var spec = new RecurrentSpec(first.Cell, first.Hidden, nodes.Count, false, 0, true, Nonlinearity: first.Nonlinearity);
        var config = new CharModelConfig(vocabulary, table.Shape[1], spec);
        var result = new CharLanguageModel<float>(config, new Rng(0), Vocabulary(model, vocabulary, context));
        var weights = new Dictionary<string, Tensor<float>>(StringComparer.Ordinal)
        {
            ["embedding.weight"] = new(table.ToFloats(), table.Shape),
            ["decoder.weight"] = new(head.Weight.ToFloats(), head.Weight.Shape),
            ["decoder.bias"] = new(head.Bias?.ToFloats() ?? new float[vocabulary], vocabulary),
        };
        for (int k = 0; k < nodes.Count; k++) nodes[k].AddWeights(weights, "rnn.", k);
        result.LoadStateDict(weights);
        return result;
    }

    /// <summary>The <c>vocabulary</c> metadata as the model's characters, or null when the file has none.</summary>
    private static CharVocabulary? Vocabulary(ModelProto model, int size, ImportContext context)
    {
        if (Metadata(model, "vocabulary") is not { } json) return null;
        var symbols = new char[size];
        try
        {
            using var document = JsonDocument.Parse(json);
            var array = document.RootElement;
            if (array.ValueKind != JsonValueKind.Array || array.GetArrayLength() != size) throw context.Invalid($"metadata 'vocabulary' is not a JSON array of the embedding's {size} characters.");
            int i = 0;
            foreach (var item in array.EnumerateArray())
            {
                if (item.ValueKind != JsonValueKind.String || item.GetString() is not [var c]) throw context.Invalid($"metadata 'vocabulary' entry {i} is not a one-character string.");
                symbols[i++] = c;
            }
            return CharVocabulary.FromSymbols(symbols);
        }
        catch (JsonException e)
        {
            throw context.Invalid($"metadata 'vocabulary' is not valid JSON ({e.Message.Split('\n', 2)[0]}).");
        }
        catch (ArgumentException e)
        {
            throw context.Invalid($"metadata 'vocabulary' is not a vocabulary ({e.Message.Split('\n', 2)[0]}).");
        }
    }

    private static string? Metadata(ModelProto model, string key) => model.MetadataProps.FirstOrDefault(p => p.Key == key)?.Value;
}
