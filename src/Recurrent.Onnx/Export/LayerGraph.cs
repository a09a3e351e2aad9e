using Recurrent.Layers;
using DataType = Recurrent.Onnx.Proto.TensorProto.Types.DataType;

namespace Recurrent.Onnx.Export;

/// <summary>
/// The graph of a bare <see cref="RecurrentLayer{T}"/>, PyTorch's <c>nn.LSTM(...)(x, (h0, c0))</c> with packed sequences:
/// <code>
/// inputs   x        float (batch, steps, I), or (steps, batch, I) when not BatchFirst
///          lengths  int32 (batch)                  (VariableLengths)
///          h0 [c0]  float (L·D, batch, H)          (InitialStates; y0 (L·D, batch, O) for Jordan's ŷ)
/// outputs  y        float (batch, steps, D·O), or (steps, batch, D·O); 0 at padded steps
///          hn [cn]  float (L·D, batch, H)          (yn for Jordan's ŷ)
/// </code>
/// </summary>
internal static class LayerGraph
{
    public static OnnxGraphBuilder Build(RecurrentLayer<float> layer, OnnxExportOptions options)
    {
        RecurrentLayerExport.CheckSupported(layer);
        var g = new OnnxGraphBuilder("recurrent_layer", options.Opset);
        bool batchFirst = layer.Spec.BatchFirst;
        object[] dims = batchFirst ? ["batch", "steps", layer.InputSize] : ["steps", "batch", layer.InputSize];
        string x = g.Input("x", DataType.Float, dims);
        string? lengths = options.VariableLengths ? g.Input("lengths", DataType.Int32, "batch") : null;
        int stacked = layer.Spec.Layers * layer.Directions;
        string[]? initial = options.InitialStates
            ? layer.State.Select(s => g.Input(s.Name + "0", DataType.Float, stacked, "batch", s.Size)).ToArray()
            : null;
        string timeMajor = batchFirst ? g.Transpose(x, 1, 0, 2) : x;
        var mask = new SequenceMask(g, timeMajor, lengths);
        var (output, final) = RecurrentLayerExport.Emit(g, layer, "rnn.", timeMajor, mask, initial);
        g.Output("y", batchFirst ? g.Transpose(output, 1, 0, 2) : output, DataType.Float,
            batchFirst ? ["batch", "steps", layer.OutputSize] : ["steps", "batch", layer.OutputSize]);
        for (int c = 0; c < final.Length; c++) g.Output(layer.State[c].Name + "n", final[c], DataType.Float, stacked, "batch", layer.State[c].Size);
        return g;
    }
}
