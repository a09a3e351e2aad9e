using Recurrent.Layers;
using Recurrent.Models;
using DataType = Recurrent.Onnx.Proto.TensorProto.Types.DataType;

namespace Recurrent.Onnx.Export;

/// <summary>
/// The one-graph models: <see cref="Sequential{T}"/>, <see cref="SequenceClassifier{T}"/>, <see cref="SequenceTagger{T}"/>
/// and <see cref="CharLanguageModel{T}"/>, each reproducing the model's <c>Forward</c> in evaluation mode. Inside, the
/// sequence is time-major (T, B, F), the layout of ONNX's recurrent operators.
/// </summary>
internal static class ModelGraphs
{
    /// <summary>
    /// ids int64 (batch, steps) with an embedding, else x float (batch, steps, I); lengths int32 (batch) →
    /// logits float (batch, V) pooled or (batch, steps, V) for all steps, and probabilities = softmax(logits).
    /// </summary>
    public static OnnxGraphBuilder Sequential(Sequential<float> model, OnnxExportOptions options)
    {
        foreach (var layer in model.Recurrent) RecurrentLayerExport.CheckSupported(layer);
        var g = new OnnxGraphBuilder("sequential", options.Opset);
        string x;
        if (model.Embedding is { } embedding)
        {
            string ids = g.Input("ids", DataType.Int64, "batch", "steps");
            x = Embedding(g, embedding, "embedding.weight", ids);
        }
        else
        {
            x = g.Input("x", DataType.Float, "batch", "steps", model.Config.InputSize);
            if (model.Frames is { } frames) x = FrameEncoder(g, frames, "frames", x);
        }
        string? lengths = options.VariableLengths ? g.Input("lengths", DataType.Int32, "batch") : null;
        string h = g.Transpose(x, 1, 0, 2);
        var mask = new SequenceMask(g, h, lengths);
        for (int i = 0; i < model.Recurrent.Count; i++) h = RecurrentLayerExport.Emit(g, model.Recurrent[i], $"rnn{i}.", h, mask, null).Output;
        var last = model.Recurrent[^1];
        string pooled = model.Config.Pooling switch
        {
            SequencePooling.LastStep => LastStep(g, h, last.Directions, last.OutputSize, mask),
            SequencePooling.Mean => Mean(g, h, mask),
            _ => g.Transpose(h, 1, 0, 2),
        };
        return Head(g, model.Head, "head", pooled, model.Config.Pooling != SequencePooling.AllSteps);
    }

    /// <summary>x float (batch, steps, I), lengths int32 (batch) → logits, probabilities float (batch, V).</summary>
    public static OnnxGraphBuilder Classifier(SequenceClassifier<float> model, OnnxExportOptions options)
    {
        RecurrentLayerExport.CheckSupported(model.Rnn);
        var g = new OnnxGraphBuilder("sequence_classifier", options.Opset);
        var (h, mask) = Encode(g, model.Frames, model.Rnn, model.Config.InputSize, options);
        string pooled = model.Config.Pooling == TimePooling.Mean ? Mean(g, h, mask) : LastStep(g, h, model.Rnn.Directions, model.Rnn.OutputSize, mask);
        return Head(g, model.Head, "head", pooled, pooled: true);
    }

    /// <summary>
    /// x float (batch, steps, I), lengths int32 (batch) → logits, probabilities float (batch, steps, V); the logits of a
    /// padded step are the head's bias (the layer outputs 0 there), or 0 when the cell's output is the prediction.
    /// </summary>
    public static OnnxGraphBuilder Tagger(SequenceTagger<float> model, OnnxExportOptions options)
    {
        RecurrentLayerExport.CheckSupported(model.Rnn);
        var g = new OnnxGraphBuilder("sequence_tagger", options.Opset);
        var (h, _) = Encode(g, model.Frames, model.Rnn, model.Config.InputSize, options);
        string steps = g.Transpose(h, 1, 0, 2);
        if (model.Head is { } head) return Head(g, head, "head", steps, pooled: false);
        g.Output("logits", steps, DataType.Float, "batch", "steps", model.Rnn.OutputSize);
        g.Output("probabilities", g.Softmax(steps), DataType.Float, "batch", "steps", model.Rnn.OutputSize);
        return g;
    }

    /// <summary>
    /// ids int64 (batch, steps), h0 [c0] float (L, batch, H) → logits float (batch, steps, V), hn [cn] float (L, batch, H):
    /// the state goes in and out, so a runtime streams text window by window (or one character at a time).
    /// </summary>
    public static OnnxGraphBuilder CharLanguageModel(CharLanguageModel<float> model, OnnxExportOptions options)
    {
        RecurrentLayerExport.CheckSupported(model.Rnn);
        var g = new OnnxGraphBuilder("char_language_model", options.Opset);
        var rnn = model.Rnn;
        int stacked = rnn.Spec.Layers * rnn.Directions;
        string ids = g.Input("ids", DataType.Int64, "batch", "steps");
        string[] initial = rnn.State.Select(s => g.Input(s.Name + "0", DataType.Float, stacked, "batch", s.Size)).ToArray();
        var e = model.Embedding;
        string x = Embedding(g, e, "embedding.weight", g.Transpose(ids, 1, 0)); // (T, B, E)
        var (h, final) = RecurrentLayerExport.Emit(g, rnn, "rnn.", x, new SequenceMask(g, x, null), initial);
        string logits = Linear(g, model.Decoder, "decoder", g.Transpose(h, 1, 0, 2));
        g.Output("logits", logits, DataType.Float, "batch", "steps", model.Config.VocabularySize);
        for (int c = 0; c < final.Length; c++) g.Output(rnn.State[c].Name + "n", final[c], DataType.Float, stacked, "batch", rnn.State[c].Size);
        return g;
    }

    /// <summary>The x and lengths inputs, the optional frame encoder and the recurrent layer: (T, B, D·O).</summary>
    private static (string Output, SequenceMask Mask) Encode(OnnxGraphBuilder g, FrameEncoder<float>? frames, RecurrentLayer<float> rnn,
        int inputSize, OnnxExportOptions options)
    {
        string x = g.Input("x", DataType.Float, "batch", "steps", inputSize);
        string? lengths = options.VariableLengths ? g.Input("lengths", DataType.Int32, "batch") : null;
        if (frames is not null) x = FrameEncoder(g, frames, "frames", x);
        string t = g.Transpose(x, 1, 0, 2);
        var mask = new SequenceMask(g, t, lengths);
        return (RecurrentLayerExport.Emit(g, rnn, "rnn.", t, mask, null).Output, mask);
    }

    /// <summary><c>e = relu(W_e·x + b_e)</c> on the last axis.</summary>
    public static string FrameEncoder(OnnxGraphBuilder g, FrameEncoder<float> frames, string name, string x)
    {
        var p = frames.NamedParameters().ToDictionary(n => n.Name, n => n.Parameter.Value);
        return g.Op("Relu", [g.Linear(x, name, p["weight"].Span, frames.OutputSize, frames.InputSize, p["bias"].Span)]);
    }

    /// <summary>An embedding's rows for integer ids of any shape: <c>Gather(E, ids)</c>, E (V, E) under <paramref name="name"/>.</summary>
    public static string Embedding(OnnxGraphBuilder g, Embedding<float> embedding, string name, string ids) =>
        g.Op("Gather", [g.Floats(name, embedding.Weight.Value.Span, embedding.Count, embedding.Size), ids]);

    /// <summary><c>W·x + b</c> of a <see cref="Linear{T}"/> on the last axis.</summary>
    public static string Linear(OnnxGraphBuilder g, Linear<float> linear, string name, string x) =>
        g.Linear(x, name, linear.Weight.Value.Span, linear.OutputSize, linear.InputSize, linear.Bias is null ? default : linear.Bias.Value.Span);

    /// <summary>The head's logits and their softmax as the graph's outputs.</summary>
    private static OnnxGraphBuilder Head(OnnxGraphBuilder g, Linear<float> head, string name, string x, bool pooled)
    {
        string logits = Linear(g, head, name, x);
        object[] dims = pooled ? ["batch", head.OutputSize] : ["batch", "steps", head.OutputSize];
        g.Output("logits", logits, DataType.Float, dims);
        g.Output("probabilities", g.Softmax(logits), DataType.Float, dims);
        return g;
    }

    /// <summary>
    /// "Último paso" of time-major h (T, B, F): the forward half at each sequence's last valid step, the reverse half
    /// (bidirectional) at step 0, where it has read the whole sequence; (B, F).
    /// </summary>
    public static string LastStep(OnnxGraphBuilder g, string h, int directions, int features, SequenceMask mask)
    {
        int half = features / directions;
        string forward = directions == 1 ? h : g.Slice(h, 2, 0, half);
        string last = mask.Lengths is null
            ? g.Squeeze(g.Slice(forward, 0, -1, long.MaxValue), 0)
            : g.ReduceSum(g.Mul(forward, mask.LastStep()), false, 0); // one non-zero term per sequence: exact
        if (directions == 1) return last;
        string first = g.Squeeze(g.Slice(g.Slice(h, 2, half, features), 0, 0, 1), 0);
        return g.Concat(1, last, first);
    }

    /// <summary>"Promedio": the mean of time-major h (T, B, F) over each sequence's valid steps (padded steps hold 0); (B, F).</summary>
    public static string Mean(OnnxGraphBuilder g, string h, SequenceMask mask)
    {
        string sum = g.ReduceSum(h, false, 0);
        string count = mask.Lengths is null
            ? g.Cast(g.Slice(g.Shape(h), 0, 0, 1), DataType.Float)
            : g.Unsqueeze(g.Cast(mask.Lengths, DataType.Float), 1);
        return g.Div(sum, count);
    }
}
