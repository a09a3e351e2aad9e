using Recurrent.Cells;
using Recurrent.Onnx.Proto;
using static Recurrent.Tests.Onnx.Import.OnnxGraphBuilder;

namespace Recurrent.Tests.Onnx.Import;

/// <summary>Where a hand-built graph's recurrent nodes take their initial states from.</summary>
public enum StateSource
{
    /// <summary>No initial_h/initial_c input (ONNX's default, zeros).</summary>
    Omitted,

    /// <summary>Zeros built at run time the way exporters do: ConstantOfShape or Expand of a shape computed from x.</summary>
    Zeros,

    /// <summary>A graph input (L·D, B, H) per state, sliced per layer.</summary>
    Given,
}

/// <summary>
/// One hand-built graph of ONNX recurrent nodes: random weights and biases, L stacked nodes chained as exporters chain
/// them (Y → Transpose → Reshape to (T, B, D·H)), the final states concatenated over the layers. Layer 1's weights come
/// through the operators the importer folds (Identity, a Constant node, Concat of a Constant and a Reshape).
/// </summary>
internal sealed record RecurrentGraph(string Op, int LinearBeforeReset, string Activation, bool Bidirectional, int Layers, StateSource States, bool Lengths)
{
    public const int InputSize = 4, Hidden = 3, Steps = 5, Batch = 3;

    public int Directions => Bidirectional ? 2 : 1;

    public int Gates => Op switch { "LSTM" => 4, "GRU" => 3, _ => 1 };

    public bool HasCellState => Op == "LSTM";

    /// <summary>The cell the importer should choose.</summary>
    public CellKind ExpectedCell => Op switch
    {
        "LSTM" => CellKind.Lstm,
        "GRU" => LinearBeforeReset == 1 ? CellKind.CudnnGru : CellKind.Gru,
        _ => CellKind.Elman,
    };

    public override string ToString() =>
        $"{Op}{(Op == "GRU" ? $" lbr={LinearBeforeReset}" : Op == "RNN" ? $" {Activation}" : "")} {(Bidirectional ? "bidirectional" : "forward")} L={Layers} states={States} lengths={Lengths}";

    /// <summary>The model, and the outputs' names: the sequence (T, B, D·H), h_n, c_n (LSTM).</summary>
    public (byte[] Model, string Output, string StateH, string? StateC) Build(int seed, Action<OnnxGraphBuilder, NodeProto>? change = null)
    {
        var random = new Random(seed);
        float[] Random(int n) => Enumerable.Range(0, n).Select(_ => (float)(random.NextDouble() * 1.2 - 0.6)).ToArray();
        var g = new OnnxGraphBuilder();
        int d = Directions, gh = Gates * Hidden;
        string x = g.Input("x", TensorProto.Types.DataType.Float, -1, -1, InputSize);
        string lengths = Lengths ? g.Input("lengths", TensorProto.Types.DataType.Int32, -1) : "";
        string h0 = "", c0 = "";
        if (States == StateSource.Given)
        {
            h0 = g.Input("h0", TensorProto.Types.DataType.Float, Layers * d, -1, Hidden);
            if (HasCellState) c0 = g.Input("c0", TensorProto.Types.DataType.Float, Layers * d, -1, Hidden);
        }
        else if (States == StateSource.Zeros)
        {
            // The batch size at run time: Shape(x)[1], as torch computes it for its zero states.
            string batch = g.Node("Unsqueeze", [g.Node("Gather", [g.Node("Shape", [x]), g.Ints([1], scalar: true)], [Attribute("axis", 0L)]), g.Ints([0])]);
            if (Layers == 1)
            {
                string shape = g.Node("Concat", [g.Ints([d]), batch, g.Ints([Hidden])], [Attribute("axis", 0L)]);
                h0 = g.Node("Expand", [g.Constant([0f], 1, 1, 1), shape]);
            }
            else
            {
                string shape = g.Node("Concat", [g.Ints([Layers * d]), batch, g.Ints([Hidden])], [Attribute("axis", 0L)]);
                h0 = g.Node("ConstantOfShape", [shape]);
            }
            if (HasCellState) c0 = h0;
        }
        string input = x;
        var hs = new List<string>();
        var cs = new List<string>();
        for (int k = 0; k < Layers; k++)
        {
            int inputs = k == 0 ? InputSize : d * Hidden;
            string w, r, b;
            if (k == 0)
            {
                w = g.Initializer($"W{k}", Random(d * gh * inputs), d, gh, inputs);
                r = g.Initializer($"R{k}", Random(d * gh * Hidden), d, gh, Hidden);
                b = g.Initializer($"B{k}", Random(d * 2 * gh), d, 2 * gh);
            }
            else
            {
                w = g.Node("Identity", [g.Initializer($"W{k}", Random(d * gh * inputs), d, gh, inputs)]);
                r = g.Constant(Random(d * gh * Hidden), d, gh, Hidden);
                string wb = g.Constant(Random(d * gh), d, gh);
                string rb = g.Node("Reshape", [g.Initializer($"Rb{k}", Random(d * gh), d * gh), g.Ints([d, gh])]);
                b = g.Node("Concat", [wb, rb], [Attribute("axis", 1L)]);
            }
            string hk = h0, ck = c0;
            if (States != StateSource.Omitted && Layers > 1)
            {
                hk = g.Node("Slice", [h0, g.Ints([k * d]), g.Ints([(k + 1) * d]), g.Ints([0])]);
                if (HasCellState) ck = g.Node("Slice", [c0, g.Ints([k * d]), g.Ints([(k + 1) * d]), g.Ints([0])]);
            }
            var nodeInputs = new List<string> { input, w, r, b, lengths, hk };
            if (HasCellState) nodeInputs.Add(ck);
            while (nodeInputs[^1].Length == 0) nodeInputs.RemoveAt(nodeInputs.Count - 1);
            var attributes = new List<AttributeProto> { Attribute("hidden_size", (long)Hidden) };
            if (Bidirectional) attributes.Add(Attribute("direction", "bidirectional"));
            if (Op == "GRU") attributes.Add(Attribute("linear_before_reset", (long)LinearBeforeReset));
            if (Op == "RNN") attributes.Add(Attribute("activations", Enumerable.Repeat(Activation, d).ToArray()));
            var outputs = g.Nodes(Op, [.. nodeInputs], HasCellState ? 3 : 2, [.. attributes], name: $"{Op.ToLowerInvariant()}_{k}");
            change?.Invoke(g, g.Graph.Node[^1]);
            hs.Add(outputs[1]);
            if (HasCellState) cs.Add(outputs[2]);
            string transposed = g.Node("Transpose", [outputs[0]], [Attribute("perm", new long[] { 0, 2, 1, 3 })]);
            input = g.Node("Reshape", [transposed, g.Ints([0, 0, -1])]);
        }
        string hn = Layers == 1 ? hs[0] : g.Node("Concat", [.. hs], [Attribute("axis", 0L)]);
        string? cn = !HasCellState ? null : Layers == 1 ? cs[0] : g.Node("Concat", [.. cs], [Attribute("axis", 0L)]);
        g.Output(input);
        g.Output(hn);
        if (cn is not null) g.Output(cn);
        return (g.ToBytes(), input, hn, cn);
    }

    /// <summary>Random inputs for the graph: x (T, B, I), lengths in [1, T], h0 and c0.</summary>
    public Dictionary<string, OrtTensor> Inputs(int seed)
    {
        var random = new Random(seed);
        float[] Random(int n) => Enumerable.Range(0, n).Select(_ => (float)(random.NextDouble() * 2 - 1)).ToArray();
        var inputs = new Dictionary<string, OrtTensor> { ["x"] = new(Random(Steps * Batch * InputSize), [Steps, Batch, InputSize]) };
        if (Lengths) inputs["lengths"] = new(new[] { Steps, 2, 1 + random.Next(Steps) }, [Batch]);
        if (States == StateSource.Given)
        {
            inputs["h0"] = new(Random(Layers * Directions * Batch * Hidden), [Layers * Directions, Batch, Hidden]);
            if (HasCellState) inputs["c0"] = new(Random(Layers * Directions * Batch * Hidden), [Layers * Directions, Batch, Hidden]);
        }
        return inputs;
    }
}
