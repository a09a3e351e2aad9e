using Recurrent.Autodiff;
using Recurrent.Cells;
using Recurrent.Layers;
using DataType = Recurrent.Onnx.Proto.TensorProto.Types.DataType;

namespace Recurrent.Onnx.Export;

/// <summary>
/// One <see cref="RecurrentLayer{T}"/> as ONNX nodes on a time-major input (T, B, I): per stacked layer k one
/// <c>RNN</c>, <c>LSTM</c> or <c>GRU</c> node (both directions in one node), or, for the cells that feed their output
/// back (Jordan, Elman–Jordan), one <c>Scan</c> per direction whose body is the cell's step.
/// </summary>
/// <remarks>
/// <para>
/// Operator path: W (D, G·H, I), R (D, G·H, H), B (D, 2·G·H) in ONNX gate order (<see cref="OnnxGateLayout"/>);
/// <c>sequence_lens</c> gives each sequence its length (the operator leaves padded steps' outputs at 0 and starts the
/// reverse direction at len − 1); Y (T, D, B, H) becomes (T, B, D·H) by Transpose + Reshape. Elman's optional output
/// layer ŷ = φ_y(W_ho·h + b_ho) follows the node for both directions at once, masked to 0 at padded steps.
/// </para>
/// <para>
/// Scan path: the body computes <c>h' = φ(W_hx·x + b_h [+ W_hh·h + b_hh] + W_hy·ŷ)</c>, <c>ŷ' = φ_y(W_yh·h' + b_y)</c>;
/// a padded step (mask input false) keeps the state and outputs 0, which also starts the reverse scan
/// (<c>scan_input_directions</c> = 1) at each sequence's last step.
/// </para>
/// </remarks>
internal static class RecurrentLayerExport
{
    /// <summary>
    /// Emits the layer. Returns its output (T, B, D·O) and its final states, one (L·D, B, size) value per state entry.
    /// </summary>
    /// <param name="g">The graph.</param>
    /// <param name="layer">The layer.</param>
    /// <param name="name">A prefix for the value names (the layer's name in the model).</param>
    /// <param name="x">The time-major input (T, B, I).</param>
    /// <param name="mask">The batch's valid steps.</param>
    /// <param name="initial">One (L·D, B, size) value per state entry, or null for zeros.</param>
    public static (string Output, string[] Final) Emit(OnnxGraphBuilder g, RecurrentLayer<float> layer, string name, string x,
        SequenceMask mask, string[]? initial)
    {
        CheckSupported(layer);
        var weights = layer.NamedParameters().ToDictionary(p => p.Name, p => p.Parameter.Value.Span.ToArray());
        int directions = layer.Directions, states = layer.State.Count;
        var finals = new List<string>[states];
        for (int c = 0; c < states; c++) finals[c] = [];
        string input = x;
        int inputSize = layer.InputSize;
        for (int k = 0; k < layer.Spec.Layers; k++)
        {
            string[]? init = initial?.Select(s => g.Slice(s, 0, k * directions, (k + 1) * directions)).ToArray();
            var cell = layer.Cells[k * directions];
            var (output, final) = layer.Kind is CellKind.Jordan or CellKind.ElmanJordan
                ? ScanCellExport.EmitLayer(g, layer, weights, $"{name}l{k}", k, input, inputSize, mask, init)
                : EmitOperator(g, layer, weights, $"{name}l{k}", k, input, inputSize, mask, init);
            for (int c = 0; c < states; c++) finals[c].Add(final[c]);
            input = output;
            inputSize = directions * cell.OutputSize;
        }
        return (input, finals.Select(f => g.Concat(0, f.ToArray())).ToArray());
    }

    /// <summary>Throws the one-line <see cref="NotSupportedException"/> for a layer that has no faithful graph.</summary>
    public static void CheckSupported(RecurrentLayer<float> layer)
    {
        if (layer.Kind == CellKind.Custom)
        {
            string type = layer.Cells[0].GetType().Name;
            throw new NotSupportedException($"Cannot export the custom cell {type}: ONNX export covers the library's cells (Elman, Jordan, ElmanJordan, Lstm, Gru, CudnnGru).");
        }
    }

    private static (string Output, string[] Final) EmitOperator(OnnxGraphBuilder g, RecurrentLayer<float> layer,
        Dictionary<string, float[]> weights, string name, int k, string x, int inputSize, SequenceMask mask, string[]? init)
    {
        var kind = layer.Kind;
        int h = layer.HiddenSize, gates = OnnxGateLayout.Gates(kind), d = layer.Directions, gh = gates * h;
        var w = new float[d * gh * inputSize];
        var r = new float[d * gh * h];
        var b = new float[d * 2 * gh];
        for (int dir = 0; dir < d; dir++)
        {
            string suffix = Suffix(k, dir);
            OnnxGateLayout.ToOnnx(kind, weights["weight_ih" + suffix], h, inputSize, w.AsSpan(dir * gh * inputSize, gh * inputSize));
            OnnxGateLayout.ToOnnx(kind, weights["weight_hh" + suffix], h, h, r.AsSpan(dir * gh * h, gh * h));
            OnnxGateLayout.ToOnnx(kind, weights["bias_ih" + suffix], h, 1, b.AsSpan(dir * 2 * gh, gh));
            OnnxGateLayout.ToOnnx(kind, weights["bias_hh" + suffix], h, 1, b.AsSpan(dir * 2 * gh + gh, gh));
        }
        string[] inputs =
        [
            x, g.Floats(name + ".W", w, d, gh, inputSize), g.Floats(name + ".R", r, d, gh, h), g.Floats(name + ".B", b, d, 2 * gh),
            mask.Lengths ?? "", init?[0] ?? "",
        ];
        if (kind == CellKind.Lstm) inputs = [.. inputs, init?[1] ?? ""];
        int used = inputs.Length;
        while (inputs[used - 1].Length == 0) used--; // optional inputs left out at the end
        inputs = inputs[..used];
        var attributes = new List<Proto.AttributeProto>
        {
            OnnxAttribute.Int("hidden_size", h),
            OnnxAttribute.String("direction", d == 2 ? "bidirectional" : "forward"),
        };
        string op = kind switch { CellKind.Lstm => "LSTM", CellKind.Elman => "RNN", _ => "GRU" };
        if (kind is CellKind.Gru or CellKind.CudnnGru) attributes.Add(OnnxAttribute.Int("linear_before_reset", kind == CellKind.CudnnGru ? 1 : 0));
        if (kind == CellKind.Elman) attributes.AddRange(RnnActivation(layer.Spec.Nonlinearity, d));
        string y = g.Fresh(name + ".Y"), yh = g.Fresh(name + ".Y_h");
        string[] outputs = kind == CellKind.Lstm ? [y, yh, g.Fresh(name + ".Y_c")] : [y, yh];
        g.Node(op, inputs, outputs, [.. attributes]);

        string perStep = y; // (T, D, B, H)
        int size = h;
        if (kind == CellKind.Elman && layer.Spec.CellOutputSize is int o)
        {
            perStep = OutputLayer(g, layer, weights, name, k, y, h, o, mask);
            size = o;
        }
        string output = g.Reshape(g.Transpose(perStep, 0, 2, 1, 3), 0, 0, d * size); // (T, B, D·O)
        return (output, outputs[1..]);
    }

    /// <summary>
    /// The Elman output layer ŷ = φ_y(W_ho·h + b_ho) on Y (T, D, B, H), both directions at once: (T, D, B, O), 0 at padded steps.
    /// </summary>
    private static string OutputLayer(OnnxGraphBuilder g, RecurrentLayer<float> layer, Dictionary<string, float[]> weights,
        string name, int k, string y, int h, int o, SequenceMask mask)
    {
        int d = layer.Directions;
        var wt = new float[d * h * o];
        var bias = new float[d * o];
        for (int dir = 0; dir < d; dir++)
        {
            string suffix = Suffix(k, dir);
            OnnxGraphBuilder.Transposed(weights["weight_ho" + suffix], o, h).CopyTo(wt.AsSpan(dir * h * o));
            weights["bias_ho" + suffix].CopyTo(bias.AsSpan(dir * o));
        }
        string a = g.Add(g.MatMul(y, g.Floats(name + ".weight_ho_t", wt, d, h, o)), g.Floats(name + ".bias_ho", bias, d, 1, o));
        string yHat = g.Activate(a, layer.Spec.OutputActivation);
        if (mask.Lengths is null) return yHat;
        string valid = g.Unsqueeze(mask.Valid, 1); // (T, 1, B, 1)
        return g.Where(valid, yHat, g.Floats("zero_f", [0f]));
    }

    /// <summary>The RNN node's activations (one per direction); identity is ONNX's <c>Affine</c> with α = 1, β = 0.</summary>
    private static Proto.AttributeProto[] RnnActivation(Activation activation, int directions)
    {
        string onnx = activation switch
        {
            Activation.Tanh => "Tanh",
            Activation.Sigmoid => "Sigmoid",
            Activation.Relu => "Relu",
            Activation.Identity => "Affine",
            _ => throw new NotSupportedException($"The Elman cell's nonlinearity {activation} has no ONNX RNN activation."),
        };
        var names = Enumerable.Repeat(onnx, directions).ToArray();
        if (activation != Activation.Identity) return [OnnxAttribute.Strings("activations", names)];
        return
        [
            OnnxAttribute.Strings("activations", names),
            OnnxAttribute.Floats("activation_alpha", Enumerable.Repeat(1f, directions).ToArray()),
            OnnxAttribute.Floats("activation_beta", Enumerable.Repeat(0f, directions).ToArray()),
        ];
    }

    /// <summary>The parameter-name suffix of layer k, direction d: <c>_l{k}</c> or <c>_l{k}_reverse</c>.</summary>
    public static string Suffix(int k, int direction) => $"_l{k}" + (direction == 1 ? "_reverse" : "");
}
