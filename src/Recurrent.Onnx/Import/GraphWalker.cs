using Recurrent.Onnx.Proto;

namespace Recurrent.Onnx.Import;

/// <summary>
/// Walks an ONNX graph's nodes in order (the specification keeps them topologically sorted) and finds the recurrent
/// model in it: the data input, an embedding, the recurrent nodes, the head and the pooling before it. Each tensor gets
/// a <see cref="GraphValue"/>: constants are folded (<see cref="ConstantFolder"/>), shape arithmetic and zero initial
/// states are recognised and set aside, the lengths masks are followed (<see cref="MaskOps"/>), and every node on the
/// data path must be one <see cref="FlowOps"/> maps; any other operator there is refused with a one-line message naming it.
/// </summary>
internal sealed class GraphWalker
{
    private readonly Dictionary<string, GraphValue> _values = new(StringComparer.Ordinal);

    /// <summary>Starts a walk of a graph of the given ai.onnx opset.</summary>
    public GraphWalker(ImportContext context, int opset)
    {
        Context = context;
        Opset = opset;
        Flows = new FlowOps(this);
        Masks = new MaskOps(this);
    }

    /// <summary>The lengths masks and shape entries around the data.</summary>
    public MaskOps Masks { get; }

    /// <summary>The file, for messages.</summary>
    public ImportContext Context { get; }

    /// <summary>The ai.onnx opset.</summary>
    public int Opset { get; }

    /// <summary>The data-path operators.</summary>
    public FlowOps Flows { get; }

    /// <summary>The recurrent nodes, in the order the data goes through them.</summary>
    public List<RecurrentNode> Nodes { get; } = [];

    /// <summary>The graph input the data comes from (the sequence, or the token ids).</summary>
    public string? DataInput { get; set; }

    /// <summary>The embedding (V, E) the token ids are looked up in, or null.</summary>
    public ConstTensor? Embedding { get; set; }

    /// <summary>The names of the time and batch axes, known once the first recurrent node reads the data.</summary>
    public string? TimeAxis { get; set; }

    /// <inheritdoc cref="TimeAxis"/>
    public string? BatchAxis { get; set; }

    /// <summary>The frame encoder's weight (E, I) and bias (E) or null, before the first recurrent node (<c>relu(W_e·x + b_e)</c>), or null.</summary>
    public (ConstTensor Weight, ConstTensor? Bias)? Frames { get; set; }

    /// <summary>The head's weight (O, F) and bias (O) or null, and the data it read.</summary>
    public (ConstTensor Weight, ConstTensor? Bias, Flow Input)? Head { get; set; }

    /// <summary>The value of a graph output, after <see cref="Walk"/>.</summary>
    public GraphValue Output(string name) => Lookup(name, null);

    /// <summary>Gives every initializer, input and node output its value.</summary>
    public void Walk(GraphProto graph)
    {
        foreach (var t in graph.Initializer) _values[t.Name] = new ConstantValue(ConstTensor.FromProto(t, Context, $"initializer '{t.Name}'"));
        if (graph.SparseInitializer.Count > 0) throw Context.Unsupported($"the graph has sparse initializers ('{graph.SparseInitializer[0].Values?.Name}'); the importer reads dense tensors.");
        foreach (var input in graph.Input)
        {
            if (_values.ContainsKey(input.Name)) continue; // an initializer listed as an input (IR < 4): a constant
            var tensor = input.Type?.TensorType;
            if (tensor is null) throw Context.Unsupported($"graph input '{input.Name}' is not a tensor.");
            _values[input.Name] = new InputValue(input.Name, tensor.ElemType, tensor.Shape is { } s ? s.Dim.Count : -1)
            {
                Dims = tensor.Shape?.Dim.Select(d => d.HasDimValue ? (int)d.DimValue : -1).ToArray(),
            };
        }
        foreach (var node in graph.Node)
        {
            if (node.Domain is not ("" or "ai.onnx"))
            {
                throw Context.Unsupported($"node '{ImportContext.NameOf(node)}' ({node.OpType}) is from operator domain '{node.Domain}'; the importer reads the standard ai.onnx operators.");
            }
            var inputs = node.Input.Select(name => name.Length == 0 ? null : Lookup(name, node)).ToArray();
            var outputs = Evaluate(node, inputs);
            for (int i = 0; i < node.Output.Count && i < outputs.Length; i++)
            {
                if (node.Output[i].Length > 0) _values[node.Output[i]] = outputs[i];
            }
        }
    }

    private GraphValue Lookup(string name, NodeProto? reader) =>
        _values.TryGetValue(name, out var v) ? v
            : throw Context.Invalid(reader is null ? $"graph output '{name}' is computed by no node." : $"node '{ImportContext.NameOf(reader)}' ({reader.OpType}) reads '{name}', which no node, input or initializer defines before it.");

    private GraphValue[] Evaluate(NodeProto node, GraphValue?[] inputs)
    {
        var present = inputs.OfType<GraphValue>().ToArray();
        string name = ImportContext.NameOf(node);
        switch (node.OpType)
        {
            case "Constant":
                return [new ConstantValue(Constant(node))];
            case "LSTM" or "GRU" or "RNN":
                return Flows.Recurrent(node, inputs);
        }
        if (Masks.TryApply(node, inputs) is { } masked) return masked;
        inputs = MaskOps.Opaque(node, inputs);
        present = inputs.OfType<GraphValue>().ToArray();
        if (present.Any(v => v is Flow or InputValue or StateInputValue)) return Flows.Apply(node, inputs);
        if (present.Length > 0 && present.All(v => v is ConstantValue) && ConstantFolder.Operators.Contains(node.OpType))
        {
            return [new ConstantValue(ConstantFolder.Fold(node, inputs.Select(v => (v as ConstantValue)?.Tensor).ToArray(), Opset, Context))];
        }
        if (present.Any(v => v is ZerosValue) || node.OpType is "ConstantOfShape" or "Expand") return [Zeros(node, inputs)];
        // Arithmetic on shapes (or on constants the folder does not compute): known at run time only.
        return node.Output.Select(_ => (GraphValue)new OpaqueValue(name, node.OpType)).ToArray();
    }

    /// <summary>
    /// The state plumbing of exporters: <c>ConstantOfShape</c> (value 0) of a run-time shape, and the slices, reshapes,
    /// expansions and concatenations of zeros that follow it, are zeros. Anything else computed from zeros is refused.
    /// </summary>
    private GraphValue Zeros(NodeProto node, GraphValue?[] inputs)
    {
        bool IsZero(GraphValue? v) => v is ZerosValue || v is ConstantValue { Tensor.IsAllZero: true };
        var first = inputs.Length > 0 ? inputs[0] : null;
        switch (node.OpType)
        {
            case "ConstantOfShape":
                var fill = NodeAttributes.Find(node, "value") is { T: { } t } ? ConstTensor.FromProto(t, Context, $"node '{ImportContext.NameOf(node)}' value") : null;
                if (fill is not null && !fill.IsAllZero) throw Context.UnsupportedNode(node, "fills a tensor with a non-zero value on the state path; the importer maps zero initial states.");
                return ZerosValue.Instance;
            case "Expand" or "Tile" or "Identity" or "Cast" or "Reshape" or "Squeeze" or "Unsqueeze" or "Slice" or "Transpose" or "Gather" when IsZero(first):
                return ZerosValue.Instance;
            case "Concat" when inputs.Length > 0 && inputs.All(IsZero):
                return ZerosValue.Instance;
            case "Shape":
                return new OpaqueValue(ImportContext.NameOf(node), node.OpType);
            default:
                throw Context.UnsupportedNode(node);
        }
    }

    private ConstTensor Constant(NodeProto node)
    {
        string what = $"node '{ImportContext.NameOf(node)}' (Constant)";
        foreach (var a in node.Attribute)
        {
            switch (a.Name)
            {
                case "value": return ConstTensor.FromProto(a.T, Context, what);
                case "value_float": return new ConstTensor([], [a.F], false);
                case "value_floats": return new ConstTensor([a.Floats.Count], a.Floats.Select(f => (double)f).ToArray(), false);
                case "value_int": return new ConstTensor([], [a.I], true);
                case "value_ints": return new ConstTensor([a.Ints.Count], a.Ints.Select(i => (double)i).ToArray(), true);
                case "sparse_value": throw Context.Unsupported($"{what} holds a sparse tensor; the importer reads dense tensors.");
            }
        }
        throw Context.Unsupported($"{what} holds no tensor the importer reads (value, value_float(s), value_int(s)).");
    }
}
