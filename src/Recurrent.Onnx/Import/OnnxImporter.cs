using Google.Protobuf;
using Recurrent.Layers;
using Recurrent.Onnx.Proto;

namespace Recurrent.Onnx.Import;

/// <summary>
/// Reads an ONNX model holding <c>LSTM</c>, <c>GRU</c> or <c>RNN</c> nodes (from PyTorch's <c>torch.onnx.export</c>, from
/// Recurrent's own exporter, or built by hand) into a Recurrent model with its weights, to run, fine-tune or save.
/// </summary>
/// <remarks>
/// <para>What a graph becomes:</para>
/// <list type="bullet">
/// <item>Recurrent nodes alone, chained through the layout plumbing exporters write around them (Transpose, Reshape,
/// Squeeze of Y; Concat of Y_h), become a <see cref="RecurrentLayer{T}"/> of L layers (bidirectional when the nodes
/// are), batch-first when the graph's input is <c>(B, T, I)</c>. It takes the graph's initial states (one input
/// <c>(L·D, B, H)</c> per state, or zeros) and sequence lengths (<c>sequence_lens</c>) from the caller, and gives the
/// graph's output and final states.</item>
/// <item>An embedding (<c>Gather</c> of an initializer at int64 token ids), recurrent nodes and a linear head
/// (<c>MatMul</c> + <c>Add</c>, or <c>Gemm</c>) become a <c>Sequential</c>: the head on every step
/// (<see cref="Models.SequencePooling.AllSteps"/>), or on the last step (<c>out[:, -1]</c>, or the last layer's final
/// states) with <see cref="Models.SequencePooling.LastStep"/>, or on the mean over steps (<c>ReduceMean</c>) with
/// <see cref="Models.SequencePooling.Mean"/>. Its input is <c>(B, T, I)</c> features, or the token ids
/// as numbers <c>(B, T, 1)</c>; a final <c>Softmax</c> of the graph, alone or as a probabilities output beside the
/// logits, is left to the caller (the model gives logits), and other outputs of the graph (final states) are not part
/// of a Sequential. A frame encoder (<c>relu(W_e·x + b_e)</c> before the first recurrent node) becomes its
/// <c>FrameEncoderSize</c>. Graphs with a <c>lengths</c> input (int32 (B), Recurrent's own exports) are read too:
/// the lengths feed the nodes' <c>sequence_lens</c> and the pooling masks, the last step is <c>Σ_t y[t]·[t = len − 1]</c>
/// (bidirectional: the forward half there, the reverse half at step 0), the mean <c>Σ_t y[t] / len</c>; the imported
/// Sequential takes the lengths at <c>Forward</c>. A pooling that would mean something else (padded steps counted,
/// lengths the nodes do not read, a bidirectional <c>out[:, -1]</c>) is refused.</item>
/// <item>An embedding, one forward recurrent layer and a decoder on every step, with the state carried in and out
/// (<c>h0</c> [<c>c0</c>] → <c>hn</c> [<c>cn</c>]; or metadata <c>recurrent.kind = char-lm</c>), become a
/// <see cref="Models.CharLanguageModel{T}"/>, with the vocabulary of the <c>vocabulary</c> metadata when present.</item>
/// </list>
/// <para>
/// Cells: LSTM → <c>Lstm</c>, GRU → <c>CudnnGru</c> (<c>linear_before_reset = 1</c>, PyTorch's) or the lecture's
/// <c>Gru</c> (0), RNN → <c>Elman</c> with its Tanh, Relu or Sigmoid; gate blocks are reordered by
/// <see cref="OnnxGateLayout"/>. Weights may be initializers, <c>Constant</c> nodes, or computed from them by
/// Identity, Reshape, (Un)Squeeze, Slice, Concat, Transpose, Gather or Cast, which the importer folds.
/// </para>
/// <para>
/// Problems are one-line messages naming the file: an <see cref="InvalidDataException"/> for a file that is not a
/// valid ONNX model (corrupt, truncated, inconsistent tensors), a <see cref="NotSupportedException"/> for a valid model
/// the importer does not map (another operator on the data path, peepholes, <c>clip</c>, a reverse-only direction,
/// opset below 7, operators of another domain).
/// </para>
/// </remarks>
/// <example>
/// <code>
/// var lstm = (RecurrentLayer&lt;float&gt;)OnnxImporter.Import("lstm.onnx");
/// var output = lstm.Forward(new Tape&lt;float&gt;(), new Variable&lt;float&gt;(x)).Output;
/// </code>
/// </example>
public static class OnnxImporter
{
    /// <summary>The oldest ai.onnx opset the importer reads (LSTM, GRU and RNN as they are since 7).</summary>
    internal const int MinimumOpset = 7;

    /// <summary>Reads the ONNX model in a file.</summary>
    /// <param name="path">The <c>.onnx</c> file.</param>
    /// <returns>A <see cref="RecurrentLayer{T}"/>, a <c>Sequential</c> or a <c>CharLanguageModel</c>, with the file's weights.</returns>
    /// <exception cref="InvalidDataException">The file is not a valid ONNX model.</exception>
    /// <exception cref="NotSupportedException">The model holds something the importer does not map.</exception>
    public static Module<float> Import(string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        return Import(File.ReadAllBytes(path), Path.GetFileName(path));
    }

    /// <summary>Reads an ONNX model from a stream (read to its end).</summary>
    /// <param name="stream">The serialized <c>ModelProto</c>.</param>
    /// <param name="name">The name messages give the model, such as its file name.</param>
    /// <returns>A <see cref="RecurrentLayer{T}"/>, a <c>Sequential</c> or a <c>CharLanguageModel</c>, with the model's weights.</returns>
    public static Module<float> Import(Stream stream, string name = "model.onnx")
    {
        ArgumentNullException.ThrowIfNull(stream);
        using var buffer = new MemoryStream();
        stream.CopyTo(buffer);
        return Import(buffer.ToArray(), name);
    }

    /// <summary>Reads an ONNX model from its bytes.</summary>
    /// <param name="bytes">The serialized <c>ModelProto</c>.</param>
    /// <param name="name">The name messages give the model, such as its file name.</param>
    /// <returns>A <see cref="RecurrentLayer{T}"/>, a <c>Sequential</c> or a <c>CharLanguageModel</c>, with the model's weights.</returns>
    public static Module<float> Import(byte[] bytes, string name = "model.onnx")
    {
        ArgumentNullException.ThrowIfNull(bytes);
        var context = new ImportContext(name);
        ModelProto model;
        try
        {
            model = ModelProto.Parser.ParseFrom(bytes);
        }
        catch (InvalidProtocolBufferException e)
        {
            throw context.Invalid($"not a valid ONNX model ({FirstLine(e.Message)}); the file may be truncated or not ONNX.");
        }
        if (model.Graph is null || model.Graph.Node.Count == 0) throw context.Invalid("not a valid ONNX model: it has no graph (an empty or truncated file, or not ONNX).");
        var standard = model.OpsetImport.FirstOrDefault(o => o.Domain is "" or "ai.onnx");
        if (standard is null) throw context.Invalid("declares no ai.onnx opset (opset_import); the importer reads the standard operators.");
        if (standard.Version < MinimumOpset) throw context.Unsupported($"uses ai.onnx opset {standard.Version}; the importer reads opset {MinimumOpset} and later (re-export with a newer opset).");
        var walker = new GraphWalker(context, (int)Math.Min(standard.Version, int.MaxValue));
        walker.Walk(model.Graph);
        return ModelAssembler.Build(walker, model);
    }

    /// <summary>The first sentence of a parser's message, so the error stays one line.</summary>
    private static string FirstLine(string text) => text.Split('\n', 2)[0].Split(". ", 2)[0].Trim().TrimEnd('.');
}
