using Recurrent.Layers;
using Recurrent.Models;
using DataType = Recurrent.Onnx.Proto.TensorProto.Types.DataType;

namespace Recurrent.Onnx.Export;

/// <summary>
/// The two graphs of the models that generate token by token, so that any runtime can run greedy, sampled or beam
/// decoding: an <c>encoder</c> graph run once per batch, and a <c>decoder</c> graph that advances every row by one token
/// (the loop, the start and end tokens and the search strategy are the runtime's; Recurrent's
/// <c>SequenceDecoding</c> is one such loop). The state goes out of the encoder as <c>hn</c> [<c>cn</c>], into each
/// decoder step as <c>h0</c> [<c>c0</c>] and out again as <c>hn</c> [<c>cn</c>].
/// </summary>
internal static class DecoderGraphs
{
    /// <summary>
    /// source int64 (batch, source_steps) or float (batch, source_steps, I), source_lengths int32 (batch) →
    /// memory float (batch, source_steps, H) (0 at padded steps), keys = memory·W_aᵀ (with attention), hn [cn] (L, batch, H).
    /// </summary>
    public static OnnxGraphBuilder Seq2SeqEncoder(Seq2Seq<float> model, OnnxExportOptions options)
    {
        RecurrentLayerExport.CheckSupported(model.Encoder);
        var g = new OnnxGraphBuilder("seq2seq_encoder", options.Opset);
        string x;
        if (model.SourceEmbedding is { } embedding)
        {
            string ids = g.Input("source", DataType.Int64, "batch", "source_steps");
            x = ModelGraphs.Embedding(g, embedding, "source_embedding.weight", ids);
        }
        else
        {
            x = g.Input("source", DataType.Float, "batch", "source_steps", model.Config.SourceFeatures);
            if (model.Frames is { } frames) x = ModelGraphs.FrameEncoder(g, frames, "frames", x);
        }
        string? lengths = options.VariableLengths ? g.Input("source_lengths", DataType.Int32, "batch") : null;
        string t = g.Transpose(x, 1, 0, 2);
        var rnn = model.Encoder;
        var (h, final) = RecurrentLayerExport.Emit(g, rnn, "encoder.", t, new SequenceMask(g, t, lengths), null);
        string memory = g.Transpose(h, 1, 0, 2);
        g.Output("memory", memory, DataType.Float, "batch", "source_steps", rnn.OutputSize);
        if (model.Attention is { } attention)
        {
            string weight = g.Floats("attention.weight_t", OnnxGraphBuilder.Transposed(attention.Weight.Value.Span, attention.Size, attention.Size), attention.Size, attention.Size);
            g.Output("keys", g.MatMul(memory, weight), DataType.Float, "batch", "source_steps", attention.Size);
        }
        StateOutputs(g, rnn, final);
        return g;
    }

    /// <summary>
    /// token int64 (batch), h0 [c0] (L, batch, H), and with attention memory, keys (batch, source_steps, H) and
    /// source_lengths int32 (batch) → logits float (batch, V) of the next token, hn [cn].
    /// </summary>
    public static OnnxGraphBuilder Seq2SeqDecoder(Seq2Seq<float> model, OnnxExportOptions options)
    {
        RecurrentLayerExport.CheckSupported(model.Decoder);
        var g = new OnnxGraphBuilder("seq2seq_decoder", options.Opset);
        var rnn = model.Decoder;
        string token = g.Input("token", DataType.Int64, "batch");
        string[] initial = StateInputs(g, rnn);
        string? memory = null, keys = null, lengths = null;
        if (model.Attention is { } attention)
        {
            memory = g.Input("memory", DataType.Float, "batch", "source_steps", rnn.OutputSize);
            keys = g.Input("keys", DataType.Float, "batch", "source_steps", attention.Size);
            if (options.VariableLengths) lengths = g.Input("source_lengths", DataType.Int32, "batch");
        }
        var e = model.TargetEmbedding;
        string x = ModelGraphs.Embedding(g, e, "target_embedding.weight", token);
        var (h, final) = Step(g, rnn, x, initial);
        if (model.Attention is { } a) h = Attend(g, a, h, memory!, keys!, lengths);
        g.Output("logits", ModelGraphs.Linear(g, model.Head, "head", h), DataType.Float, "batch", model.Head.OutputSize);
        StateOutputs(g, rnn, final);
        return g;
    }

    /// <summary>
    /// The conditioning: features float (batch, F) → f = relu(W_e·x + b_e); hn [cn] (L, batch, size), the decoder's
    /// initial state (h[0] = tanh(W_init·f + b_init) per layer, other entries 0; all 0 with every-step conditioning);
    /// with every-step conditioning also conditioning = f (batch, E_f), which each decoder step reads.
    /// </summary>
    public static OnnxGraphBuilder GeneratorEncoder(SequenceGenerator<float> model, OnnxExportOptions options)
    {
        RecurrentLayerExport.CheckSupported(model.Rnn);
        var g = new OnnxGraphBuilder("sequence_generator_conditioning", options.Opset);
        var rnn = model.Rnn;
        int layers = rnn.Spec.Layers;
        string features = g.Input("features", DataType.Float, "batch", model.Config.FeatureSize);
        string f = ModelGraphs.FrameEncoder(g, model.Features, "features", features);
        var states = new string[rnn.State.Count];
        if (model.Config.Conditioning == Conditioning.EveryStep)
        {
            g.Output("conditioning", f, DataType.Float, "batch", model.Config.FeatureEncoderSize);
            for (int c = 0; c < states.Length; c++) states[c] = g.Zeros(features, 0, [layers], rnn.State[c].Size);
        }
        else
        {
            var p = model.NamedParameters().ToDictionary(n => n.Name, n => n.Parameter.Value);
            int size = rnn.State[0].Size, fe = model.Config.FeatureEncoderSize;
            var perLayer = new string[layers];
            for (int k = 0; k < layers; k++)
            {
                string a = g.Linear(f, $"init_l{k}", p[$"init_l{k}.weight"].Span, size, fe, p[$"init_l{k}.bias"].Span);
                perLayer[k] = g.Unsqueeze(g.Op("Tanh", [a]), 0);
            }
            states[0] = g.Concat(0, perLayer);
            for (int c = 1; c < states.Length; c++) states[c] = g.Zeros(features, 0, [layers], rnn.State[c].Size);
        }
        StateOutputs(g, rnn, states);
        return g;
    }

    /// <summary>token int64 (batch), h0 [c0] (L, batch, size), [conditioning (batch, E_f)] → logits float (batch, V), hn [cn].</summary>
    public static OnnxGraphBuilder GeneratorDecoder(SequenceGenerator<float> model, OnnxExportOptions options)
    {
        RecurrentLayerExport.CheckSupported(model.Rnn);
        var g = new OnnxGraphBuilder("sequence_generator_decoder", options.Opset);
        var rnn = model.Rnn;
        string token = g.Input("token", DataType.Int64, "batch");
        string[] initial = StateInputs(g, rnn);
        var e = model.Embedding;
        string x = ModelGraphs.Embedding(g, e, "embedding.weight", token);
        if (model.Config.Conditioning == Conditioning.EveryStep)
        {
            x = g.Concat(1, x, g.Input("conditioning", DataType.Float, "batch", model.Config.FeatureEncoderSize));
        }
        var (h, final) = Step(g, rnn, x, initial);
        g.Output("logits", ModelGraphs.Linear(g, model.Head, "head", h), DataType.Float, "batch", model.Head.OutputSize);
        StateOutputs(g, rnn, final);
        return g;
    }

    /// <summary>One step of a unidirectional layer: x (B, I) as a one-step sequence; returns (B, O) and the new states.</summary>
    private static (string Output, string[] Final) Step(OnnxGraphBuilder g, RecurrentLayer<float> rnn, string x, string[] initial)
    {
        string sequence = g.Unsqueeze(x, 0);
        var (output, final) = RecurrentLayerExport.Emit(g, rnn, "rnn.", sequence, new SequenceMask(g, sequence, null), initial);
        return (g.Squeeze(output, 0), final);
    }

    /// <summary>
    /// Luong's "general" attention for one decoder step: s[j] = h·k[j] over the valid source steps, α = softmax(s),
    /// c = Σ_j α[j]·h̄[j], h̃ = tanh(W_c·[c, h] + b_c); (B, H).
    /// </summary>
    private static string Attend(OnnxGraphBuilder g, LuongAttention<float> attention, string h, string memory, string keys, string? lengths)
    {
        string scores = g.MatMul(g.Unsqueeze(h, 1), g.Transpose(keys, 0, 2, 1)); // (B, 1, T_x)
        if (lengths is not null)
        {
            string steps = g.Squeeze(g.Slice(g.Shape(keys), 0, 1, 2), 0);
            string range = g.Op("Range", [g.Int64Scalar("zero", 0), steps, g.Int64Scalar("one", 1)]);
            string valid = g.Op("Less", [range, g.Unsqueeze(g.Cast(lengths, DataType.Int64), 1)]); // (B, T_x)
            scores = g.Where(g.Unsqueeze(valid, 1), scores, g.Floats("minus_infinity", [float.NegativeInfinity]));
        }
        string context = g.Squeeze(g.MatMul(g.Softmax(scores), memory), 1);
        return g.Op("Tanh", [ModelGraphs.Linear(g, attention.Combine, "attention.combine", g.Concat(1, context, h))]);
    }

    private static string[] StateInputs(OnnxGraphBuilder g, RecurrentLayer<float> rnn) =>
        rnn.State.Select(s => g.Input(s.Name + "0", DataType.Float, rnn.Spec.Layers, "batch", s.Size)).ToArray();

    private static void StateOutputs(OnnxGraphBuilder g, RecurrentLayer<float> rnn, string[] states)
    {
        for (int c = 0; c < states.Length; c++) g.Output(rnn.State[c].Name + "n", states[c], DataType.Float, rnn.Spec.Layers, "batch", rnn.State[c].Size);
    }
}
