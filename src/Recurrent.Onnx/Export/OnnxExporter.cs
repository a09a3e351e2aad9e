using Recurrent.Layers;
using Recurrent.Models;
using Recurrent.Onnx.Proto;

namespace Recurrent.Onnx.Export;

/// <summary>
/// Exports Recurrent's models to ONNX, so that ONNX Runtime (or any ONNX runtime) runs them without Recurrent: a bare
/// <see cref="RecurrentLayer{T}"/>, <see cref="Sequential{T}"/>, <see cref="SequenceClassifier{T}"/>,
/// <see cref="SequenceTagger{T}"/> and <see cref="CharLanguageModel{T}"/> as one graph each; <see cref="Seq2Seq{T}"/>
/// and <see cref="SequenceGenerator{T}"/> as an encoder graph and a one-step decoder graph that a runtime loops for
/// greedy, sampled or beam decoding. docs/ONNX.md is the contract of every graph.
/// </summary>
/// <remarks>
/// Elman, LSTM and both GRUs become ONNX's <c>RNN</c>, <c>LSTM</c> and <c>GRU</c> operators (gate blocks reordered by
/// <see cref="OnnxGateLayout"/>; the lecture's GRU is <c>linear_before_reset = 0</c> with its z block negated, PyTorch's is
/// <c>linear_before_reset = 1</c>); Jordan and Elman–Jordan, which feed their output back, become a <c>Scan</c> over the
/// cell's step. Batch and time are symbolic dimensions (<c>batch</c>, <c>steps</c>). A model with no faithful graph
/// (a layer of custom cells) is refused with a <see cref="NotSupportedException"/>, never exported approximately.
/// </remarks>
public static class OnnxExporter
{
    /// <summary>Builds the ONNX graph(s) of a model in evaluation mode (no dropout).</summary>
    /// <param name="model">A recurrent layer or one of the library's models.</param>
    /// <param name="options">Opset and inputs; null for the defaults.</param>
    /// <returns>The graph, or the encoder and decoder graphs.</returns>
    /// <exception cref="NotSupportedException">The model (or one of its cells) has no ONNX export.</exception>
    public static OnnxExport Export(Module<float> model, OnnxExportOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(model);
        options ??= new OnnxExportOptions();
        options.Validate();
        return model switch
        {
            RecurrentLayer<float> layer => One(model, options, LayerGraph.Build(layer, options)),
            Sequential<float> sequential => One(model, options, ModelGraphs.Sequential(sequential, options)),
            SequenceClassifier<float> classifier => One(model, options, ModelGraphs.Classifier(classifier, options)),
            SequenceTagger<float> tagger => One(model, options, ModelGraphs.Tagger(tagger, options)),
            CharLanguageModel<float> lm => One(model, options, ModelGraphs.CharLanguageModel(lm, options)),
            Seq2Seq<float> seq2seq => Two(model, options, DecoderGraphs.Seq2SeqEncoder(seq2seq, options), DecoderGraphs.Seq2SeqDecoder(seq2seq, options)),
            SequenceGenerator<float> generator => Two(model, options, DecoderGraphs.GeneratorEncoder(generator, options), DecoderGraphs.GeneratorDecoder(generator, options)),
            _ => throw new NotSupportedException($"Cannot export a {model.GetType().Name}: ONNX export covers RecurrentLayer, Sequential, SequenceClassifier, SequenceTagger, CharLanguageModel, Seq2Seq and SequenceGenerator."),
        };
    }

    /// <summary>
    /// Exports a model and writes it: <paramref name="path"/> for a one-graph model, or <c>name.encoder.onnx</c> and
    /// <c>name.decoder.onnx</c> beside it for a two-graph model (see <see cref="OnnxExport.Save"/>).
    /// </summary>
    /// <param name="model">The model.</param>
    /// <param name="path">The file to write (<c>.onnx</c>).</param>
    /// <param name="options">Opset and inputs; null for the defaults.</param>
    /// <returns>The files written.</returns>
    public static IReadOnlyList<string> Save(Module<float> model, string path, OnnxExportOptions? options = null) =>
        Export(model, options).Save(path);

    private static OnnxExport One(Module<float> source, OnnxExportOptions options, OnnxGraphBuilder graph) => new([Finish(source, "model", graph, options)]);

    private static OnnxExport Two(Module<float> source, OnnxExportOptions options, OnnxGraphBuilder encoder, OnnxGraphBuilder decoder) =>
        new([Finish(source, "encoder", encoder, options), Finish(source, "decoder", decoder, options)]);

    private static OnnxGraph Finish(Module<float> source, string name, OnnxGraphBuilder graph, OnnxExportOptions options)
    {
        var model = new ModelProto
        {
            IrVersion = options.IrVersion,
            ProducerName = options.ProducerName,
            ProducerVersion = typeof(OnnxExporter).Assembly.GetName().Version?.ToString() ?? "",
            Graph = graph.Graph,
        };
        model.OpsetImport.Add(new OperatorSetIdProto { Domain = "", Version = options.Opset });
        foreach (var (key, value) in OnnxMetadata.Of(source)) model.MetadataProps.Add(new StringStringEntryProto { Key = key, Value = value });
        return new OnnxGraph(name, model);
    }
}
