using Recurrent.Autodiff;
using Recurrent.Cells;
using Recurrent.Onnx.Proto;
using Recurrent.Tensors;

namespace Recurrent.Onnx.Import;

/// <summary>
/// One ONNX <c>LSTM</c>, <c>GRU</c> or <c>RNN</c> node read into what a layer of a <see cref="Layers.RecurrentLayer{T}"/>
/// needs: the cell, H, the directions, and the weights <c>W</c> (D, G·H, I), <c>R</c> (D, G·H, H), <c>B</c> (D, 2·G·H).
/// </summary>
/// <remarks>
/// The cell: LSTM → <see cref="CellKind.Lstm"/>; GRU with <c>linear_before_reset = 1</c> (PyTorch's <c>nn.GRU</c>) →
/// <see cref="CellKind.CudnnGru"/>, with 0 → the lecture's <see cref="CellKind.Gru"/> (its z block negated by
/// <see cref="OnnxGateLayout.FromOnnx"/>); RNN → <see cref="CellKind.Elman"/> with the node's activation (Tanh, Relu or
/// Sigmoid). What the library's cells do not compute is refused with a message naming the node and attribute:
/// peepholes (input P), <c>clip</c>, <c>input_forget</c>, other activations or their alpha/beta, <c>direction = reverse</c>,
/// <c>layout = 1</c>, a <c>hidden_size</c> that disagrees with the weights.
/// </remarks>
internal sealed record RecurrentNode(string Name, CellKind Cell, Activation Nonlinearity, int Hidden, int Directions, int InputSize,
    ConstTensor W, ConstTensor R, ConstTensor? B, GraphValue? InitialH, GraphValue? InitialC, string? Lengths)
{
    /// <summary>Reads the node's attributes and weights; the caller has resolved its inputs.</summary>
    public static RecurrentNode Read(NodeProto node, IReadOnlyList<GraphValue?> inputs, ImportContext context)
    {
        string name = ImportContext.NameOf(node);
        var cell = node.OpType switch
        {
            "LSTM" => CellKind.Lstm,
            "GRU" => NodeAttributes.Int(node, "linear_before_reset", 0) != 0 ? CellKind.CudnnGru : CellKind.Gru,
            _ => CellKind.Elman,
        };
        string direction = NodeAttributes.String(node, "direction", "forward");
        int directions = direction switch
        {
            "forward" => 1,
            "bidirectional" => 2,
            "reverse" => throw context.UnsupportedNode(node, "has direction = reverse, which the importer does not map: a Recurrent layer runs forward, or both ways when bidirectional."),
            _ => throw context.InvalidNode(node, $"has direction = '{direction}'; expected forward, reverse or bidirectional."),
        };
        foreach (string attribute in new[] { "clip", "activation_alpha", "activation_beta" })
        {
            if (NodeAttributes.Has(node, attribute)) throw context.UnsupportedNode(node, $"sets attribute '{attribute}', which the library's cells do not compute.");
        }
        if (NodeAttributes.Int(node, "input_forget", 0) != 0) throw context.UnsupportedNode(node, "sets attribute 'input_forget' (coupled input and forget gates), which the library's LSTM does not compute.");
        if (NodeAttributes.Int(node, "layout", 0) != 0) throw context.UnsupportedNode(node, "sets attribute 'layout' = 1 (batch-first X and Y); the importer reads the default layout 0 that exporters write.");
        var nonlinearity = Activations(node, cell, directions, context);
        if (inputs.Count > 7 && inputs[7] is not null) throw context.UnsupportedNode(node, "has peepholes (input 'P'), which the library's LSTM does not compute.");

        var w = Weight(node, inputs, 1, "W", context);
        var r = Weight(node, inputs, 2, "R", context);
        var b = inputs.Count > 3 && inputs[3] is not null ? Weight(node, inputs, 3, "B", context) : null;
        int gates = OnnxGateLayout.Gates(cell);
        if (w.Rank != 3 || w.Shape[0] != directions || w.Shape[1] % gates != 0) throw context.InvalidNode(node, $"has W of shape {w.ShapeText}; expected (D = {directions}, {gates}·H, I).");
        int hidden = w.Shape[1] / gates, inputSize = w.Shape[2];
        long declared = NodeAttributes.Int(node, "hidden_size", hidden);
        if (declared != hidden) throw context.UnsupportedNode(node, $"has attribute 'hidden_size' = {declared}, but W {w.ShapeText} holds {gates}·{hidden} rows.");
        if (r.Rank != 3 || r.Shape[0] != directions || r.Shape[1] != gates * hidden || r.Shape[2] != hidden)
        {
            throw context.UnsupportedNode(node, $"has R of shape {r.ShapeText}; with hidden_size = {hidden} expected ({directions}, {gates * hidden}, {hidden}).");
        }
        if (b is not null && (b.Rank != 2 || b.Shape[0] != directions || b.Shape[1] != 2 * gates * hidden))
        {
            throw context.UnsupportedNode(node, $"has B of shape {b.ShapeText}; with hidden_size = {hidden} expected ({directions}, {2 * gates * hidden}).");
        }
        if (inputSize < 1 || hidden < 1) throw context.InvalidNode(node, $"has W of shape {w.ShapeText}; expected positive sizes.");
        string? lengths = inputs.Count > 4 ? inputs[4] switch
        {
            null => null,
            InputValue { ElementType: (int)TensorProto.Types.DataType.Int32, Rank: 1 or -1 } input => input.Name,
            InputValue input => throw context.UnsupportedNode(node, $"reads sequence_lens from graph input '{input.Name}' of element type {(TensorProto.Types.DataType)input.ElementType} and rank {input.Rank}; ONNX takes int32 lengths (B)."),
            _ => throw context.UnsupportedNode(node, "computes its sequence_lens inside the graph; the importer reads lengths given as a graph input (B) or none."),
        } : null;
        return new RecurrentNode(name, cell, nonlinearity, hidden, directions, inputSize, w, r, b,
            inputs.Count > 5 ? inputs[5] : null, inputs.Count > 6 ? inputs[6] : null, lengths);
    }

    /// <summary>Whether <paramref name="other"/> stacks onto this node as a further layer of the same recurrent layer.</summary>
    public bool SameLayerKind(RecurrentNode other) =>
        other.Cell == Cell && other.Nonlinearity == Nonlinearity && other.Hidden == Hidden && other.Directions == Directions;

    /// <summary>
    /// Adds this node's weights as layer <paramref name="layer"/> of a Recurrent layer: <c>{prefix}weight_ih_l{k}</c>
    /// (G·H, I), <c>weight_hh_l{k}</c> (G·H, H), <c>bias_ih_l{k}</c>, <c>bias_hh_l{k}</c> (G·H), suffix <c>_reverse</c>
    /// for direction 1; B = [Wb, Rb] splits into the two biases, zeros where the node has no B.
    /// </summary>
    public void AddWeights(IDictionary<string, Tensor<float>> weights, string prefix, int layer)
    {
        int gh = OnnxGateLayout.Gates(Cell) * Hidden;
        var w = W.ToFloats();
        var r = R.ToFloats();
        var b = B?.ToFloats() ?? new float[Directions * 2 * gh];
        for (int d = 0; d < Directions; d++)
        {
            string suffix = $"_l{layer}" + (d == 1 ? "_reverse" : "");
            weights[$"{prefix}weight_ih{suffix}"] = Convert(w.AsSpan(d * gh * InputSize, gh * InputSize), InputSize, gh, InputSize);
            weights[$"{prefix}weight_hh{suffix}"] = Convert(r.AsSpan(d * gh * Hidden, gh * Hidden), Hidden, gh, Hidden);
            weights[$"{prefix}bias_ih{suffix}"] = Convert(b.AsSpan(d * 2 * gh, gh), 1, gh);
            weights[$"{prefix}bias_hh{suffix}"] = Convert(b.AsSpan(d * 2 * gh + gh, gh), 1, gh);
        }
    }

    private Tensor<float> Convert(ReadOnlySpan<float> onnx, int columns, params int[] shape)
    {
        var data = new float[onnx.Length];
        OnnxGateLayout.FromOnnx(Cell, onnx, Hidden, columns, data);
        return new Tensor<float>(data, shape);
    }

    private static ConstTensor Weight(NodeProto node, IReadOnlyList<GraphValue?> inputs, int index, string role, ImportContext context) =>
        inputs.Count > index ? inputs[index] switch
        {
            ConstantValue c => c.Tensor,
            null => throw context.InvalidNode(node, $"lacks its input {role}."),
            OpaqueValue o => throw context.UnsupportedNode(node, $"computes its input {role} at run time (node '{o.Node}' ({o.OpType})); the importer needs weights that are initializers or constants."),
            _ => throw context.UnsupportedNode(node, $"reads its input {role} from the data path; the importer needs weights that are initializers or constants."),
        } : throw context.InvalidNode(node, $"lacks its input {role}.");

    /// <summary>
    /// The node's activations, checked: LSTM (σ, tanh, tanh) and GRU (σ, tanh) as the library's cells compute them; RNN
    /// Tanh, Relu or Sigmoid, the same in both directions.
    /// </summary>
    private static Activation Activations(NodeProto node, CellKind cell, int directions, ImportContext context)
    {
        string[] expected = cell switch
        {
            CellKind.Lstm => ["Sigmoid", "Tanh", "Tanh"],
            CellKind.Elman => ["Tanh"],
            _ => ["Sigmoid", "Tanh"],
        };
        var given = NodeAttributes.Strings(node, "activations");
        if (given is null) return Activation.Tanh;
        if (given.Length != expected.Length * directions)
        {
            throw context.InvalidNode(node, $"lists {given.Length} activations; {node.OpType} with {directions} direction(s) takes {expected.Length * directions}.");
        }
        if (cell == CellKind.Elman)
        {
            if (given.Any(g => !g.Equals(given[0], StringComparison.OrdinalIgnoreCase)))
            {
                throw context.UnsupportedNode(node, $"has attribute 'activations' = [{string.Join(", ", given)}]; the importer maps one activation for both directions.");
            }
            return given[0].ToLowerInvariant() switch
            {
                "tanh" => Activation.Tanh,
                "relu" => Activation.Relu,
                "sigmoid" => Activation.Sigmoid,
                _ => throw context.UnsupportedNode(node, $"has attribute 'activations' = [{string.Join(", ", given)}]; the importer maps Tanh, Relu and Sigmoid."),
            };
        }
        for (int i = 0; i < given.Length; i++)
        {
            if (!given[i].Equals(expected[i % expected.Length], StringComparison.OrdinalIgnoreCase))
            {
                throw context.UnsupportedNode(node, $"has attribute 'activations' = [{string.Join(", ", given)}]; the library's {node.OpType} computes [{string.Join(", ", expected)}].");
            }
        }
        return Activation.Tanh;
    }
}
