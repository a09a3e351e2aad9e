using Recurrent.Cells;
using Recurrent.Layers;
using DataType = Recurrent.Onnx.Proto.TensorProto.Types.DataType;

namespace Recurrent.Onnx.Export;

/// <summary>
/// The Jordan and Elman–Jordan cells, which feed their output ŷ back and so have no ONNX recurrent operator, as one
/// <c>Scan</c> per direction whose body is one step of the cell:
/// <code>
/// h[t+1] = φ(W_hx·x[t+1] + b_hx [+ W_hh·h[t] + b_hh] + W_hy·ŷ[t])      (W_hh only for Elman–Jordan)
/// ŷ[t+1] = φ_y(W_yh·h[t+1] + b_y)
/// </code>
/// Scan state: ŷ (Jordan) or h, ŷ (Elman–Jordan), each (B, size); scan inputs x (T, B, I) and, with variable lengths,
/// the valid-step mask (T, B, 1); scan output ŷ (T, B, O), 0 at padded steps. The weights are outer-graph initializers
/// the body reads from the enclosing scope.
/// </summary>
internal static class ScanCellExport
{
    /// <summary>Emits layer k of <paramref name="layer"/> (both directions) and returns (T, B, D·O) and each state's (D, B, size).</summary>
    public static (string Output, string[] Final) EmitLayer(OnnxGraphBuilder g, RecurrentLayer<float> layer,
        Dictionary<string, float[]> weights, string name, int k, string x, int inputSize, SequenceMask mask, string[]? init)
    {
        int d = layer.Directions;
        var state = layer.State;
        var outputs = new string[d];
        var finals = new List<string>[state.Count];
        for (int c = 0; c < state.Count; c++) finals[c] = [];
        for (int dir = 0; dir < d; dir++)
        {
            var start = new string[state.Count];
            for (int c = 0; c < state.Count; c++)
            {
                start[c] = init is null ? g.Zeros(x, 1, [], state[c].Size) : g.Squeeze(g.Slice(init[c], 0, dir, dir + 1), 0);
            }
            var (output, final) = EmitDirection(g, layer, weights, $"{name}{(dir == 1 ? "_reverse" : "")}", k, dir, x, inputSize, mask, start);
            outputs[dir] = output;
            for (int c = 0; c < state.Count; c++) finals[c].Add(g.Unsqueeze(final[c], 0));
        }
        return (g.Concat(2, outputs), finals.Select(f => g.Concat(0, f.ToArray())).ToArray());
    }

    private static (string Output, string[] Final) EmitDirection(OnnxGraphBuilder g, RecurrentLayer<float> layer,
        Dictionary<string, float[]> weights, string name, int k, int dir, string x, int inputSize, SequenceMask mask, string[] start)
    {
        bool elman = layer.Kind == CellKind.ElmanJordan;
        int h = layer.HiddenSize, o = layer.Spec.CellOutputSize!.Value;
        string suffix = RecurrentLayerExport.Suffix(k, dir);
        // Outer-scope weights, stored transposed so that the body multiplies rows: x·W_hxᵀ.
        string wx = g.Floats(name + ".weight_ih_t", OnnxGraphBuilder.Transposed(weights["weight_ih" + suffix], h, inputSize), inputSize, h);
        string bx = g.Floats(name + ".bias_ih", weights["bias_ih" + suffix], h);
        string wy = g.Floats(name + ".weight_oh_t", OnnxGraphBuilder.Transposed(weights["weight_oh" + suffix], h, o), o, h);
        string who = g.Floats(name + ".weight_ho_t", OnnxGraphBuilder.Transposed(weights["weight_ho" + suffix], o, h), h, o);
        string bho = g.Floats(name + ".bias_ho", weights["bias_ho" + suffix], o);
        string? wh = elman ? g.Floats(name + ".weight_hh_t", OnnxGraphBuilder.Transposed(weights["weight_hh" + suffix], h, h), h, h) : null;
        string? bh = elman ? g.Floats(name + ".bias_hh", weights["bias_hh" + suffix], h) : null;
        bool masked = mask.Lengths is not null;
        string zero = masked ? g.Floats("zero_f", [0f]) : "";

        var body = g.Body(name + ".step");
        string hIn = elman ? body.FreshInput(name + ".h_in", DataType.Float) : "";
        string yIn = body.FreshInput(name + ".y_in", DataType.Float);
        string xIn = body.FreshInput(name + ".x_t", DataType.Float);
        string valid = masked ? body.FreshInput(name + ".valid_t", DataType.Bool) : "";
        string a = body.Add(body.MatMul(xIn, wx), bx);
        if (elman) a = body.Add(a, body.Add(body.MatMul(hIn, wh!), bh!));
        a = body.Add(a, body.MatMul(yIn, wy));
        string hNew = body.Activate(a, layer.Spec.Nonlinearity);
        string yNew = body.Activate(body.Add(body.MatMul(hNew, who), bho), layer.Spec.OutputActivation);
        string hOut = elman ? (masked ? body.Where(valid, hNew, hIn) : hNew) : "";
        string yOut = masked ? body.Where(valid, yNew, yIn) : yNew;
        string stepOut = masked ? body.Where(valid, yNew, zero) : yNew;
        // Body outputs are distinct values: states first, then the scan output.
        string[] bodyOutputs = elman ? [hOut, yOut, stepOut] : [yOut, stepOut];
        foreach (string value in bodyOutputs)
        {
            string named = body.Op("Identity", [value]);
            body.Graph.Output.Add(OnnxGraphBuilder.ValueInfo(named, DataType.Float, null));
        }

        string[] scanInputs = masked ? [x, mask.Valid] : [x];
        string[] finals = elman ? [g.Fresh(name + ".h_n"), g.Fresh(name + ".y_n")] : [g.Fresh(name + ".y_n")];
        string output = g.Fresh(name + ".y");
        long direction = dir;
        g.Node("Scan", [.. start, .. scanInputs], [.. finals, output],
            OnnxAttribute.Graph("body", body.Graph),
            OnnxAttribute.Int("num_scan_inputs", scanInputs.Length),
            OnnxAttribute.Ints("scan_input_directions", scanInputs.Select(_ => direction).ToArray()),
            OnnxAttribute.Ints("scan_output_directions", direction));
        return (output, finals);
    }
}
