using System.Runtime.InteropServices;
using Google.Protobuf;
using Recurrent.Onnx.Proto;
using DataType = Recurrent.Onnx.Proto.TensorProto.Types.DataType;

namespace Recurrent.Onnx.Export;

/// <summary>
/// Builds one ONNX graph (or a <c>Scan</c> body inside one): fresh value names, float and int64 initializers, graph
/// inputs and outputs with symbolic dimensions, and one helper per operator the exporter uses. A body builder shares
/// its root's names (ONNX forbids a body name that shadows an outer one) and puts its constants into the root graph,
/// which the body reads from the outer scope.
/// </summary>
internal sealed class OnnxGraphBuilder
{
    private readonly OnnxGraphBuilder? _root;
    private readonly Dictionary<string, int> _names;

    /// <summary>A builder of a top-level graph for <paramref name="opset"/>.</summary>
    public OnnxGraphBuilder(string name, int opset)
    {
        Graph = new GraphProto { Name = name };
        Opset = opset;
        _names = new Dictionary<string, int>(StringComparer.Ordinal);
    }

    private OnnxGraphBuilder(OnnxGraphBuilder root, string name)
    {
        _root = root;
        Graph = new GraphProto { Name = root.Fresh(name) };
        Opset = root.Opset;
        _names = root._names;
    }

    /// <summary>The graph built so far.</summary>
    public GraphProto Graph { get; }

    /// <summary>The default domain's opset the graph targets.</summary>
    public int Opset { get; }

    /// <summary>A builder for a subgraph (a <c>Scan</c> body) of this graph.</summary>
    public OnnxGraphBuilder Body(string name) => new(_root ?? this, name);

    /// <summary>The graph input and output names of docs/ONNX.md, which no internal value may take.</summary>
    private static readonly HashSet<string> Contract = new(StringComparer.Ordinal)
    {
        "x", "ids", "lengths", "y", "logits", "probabilities", "source", "source_lengths", "memory", "keys", "token",
        "features", "conditioning", "h0", "c0", "y0", "hn", "cn", "yn",
    };

    /// <summary>A name used nowhere else in the model: <paramref name="hint"/>, or <paramref name="hint"/>_2, …</summary>
    public string Fresh(string hint)
    {
        if (_root is not null) return _root.Fresh(hint);
        if (!Contract.Contains(hint) && !_names.TryGetValue(hint, out int count))
        {
            _names[hint] = 1;
            return hint;
        }
        _names.TryGetValue(hint, out count);
        string name;
        do name = $"{hint}_{++count}"; while (_names.ContainsKey(name) || Contract.Contains(name));
        _names[hint] = count;
        _names[name] = 1;
        return name;
    }

    /// <summary>Reserves an exact name (a graph input or output) so no fresh name takes it.</summary>
    public string Reserve(string name)
    {
        if (_root is not null) return _root.Reserve(name);
        if (!_names.TryAdd(name, 1)) throw new InvalidOperationException($"The ONNX value name '{name}' is used twice.");
        return name;
    }

    /// <summary>A float initializer with the given values and dimensions.</summary>
    public string Floats(string hint, ReadOnlySpan<float> values, params long[] dims)
    {
        var tensor = new TensorProto { Name = Fresh(hint), DataType = (int)DataType.Float };
        tensor.Dims.AddRange(dims);
        tensor.RawData = ByteString.CopyFrom(MemoryMarshal.AsBytes(values)); // little-endian, as ONNX raw_data is
        (_root ?? this).Graph.Initializer.Add(tensor);
        return tensor.Name;
    }

    /// <summary>An int64 initializer, 1-D unless <paramref name="dims"/> says otherwise (empty dims: a scalar).</summary>
    public string Int64s(string hint, long[] values, long[]? dims = null)
    {
        var tensor = new TensorProto { Name = Fresh(hint), DataType = (int)DataType.Int64 };
        tensor.Dims.AddRange(dims ?? [values.Length]);
        tensor.Int64Data.AddRange(values);
        (_root ?? this).Graph.Initializer.Add(tensor);
        return tensor.Name;
    }

    /// <summary>A scalar int64 initializer.</summary>
    public string Int64Scalar(string hint, long value) => Int64s(hint, [value], []);

    /// <summary>Declares a graph input of <paramref name="type"/>; a dimension is a size (int) or a symbolic name (string).</summary>
    public string Input(string name, DataType type, params object?[]? dims)
    {
        Graph.Input.Add(ValueInfo(Reserve(name), type, dims));
        return name;
    }

    /// <summary>Declares a graph input under a fresh name (a <c>Scan</c> body's inputs).</summary>
    public string FreshInput(string hint, DataType type)
    {
        string name = Fresh(hint);
        Graph.Input.Add(ValueInfo(name, type, null));
        return name;
    }

    /// <summary>Declares <paramref name="value"/> as a graph output named <paramref name="name"/> (an Identity node renames it).</summary>
    public string Output(string name, string value, DataType type, params object?[]? dims)
    {
        if (value != name) Node("Identity", [value], [Reserve(name)]);
        Graph.Output.Add(ValueInfo(name, type, dims));
        return name;
    }

    /// <summary>A value info of a type and shape; null dims for an unknown shape.</summary>
    public static ValueInfoProto ValueInfo(string name, DataType type, object?[]? dims)
    {
        var tensor = new TypeProto.Types.Tensor { ElemType = (int)type };
        if (dims is not null)
        {
            tensor.Shape = new TensorShapeProto();
            foreach (var d in dims)
            {
                var dim = new TensorShapeProto.Types.Dimension();
                if (d is string s) dim.DimParam = s;
                else if (d is int i) dim.DimValue = i;
                else if (d is long l) dim.DimValue = l;
                tensor.Shape.Dim.Add(dim);
            }
        }
        return new ValueInfoProto { Name = name, Type = new TypeProto { TensorType = tensor } };
    }

    /// <summary>Adds a node with named outputs.</summary>
    public void Node(string op, string[] inputs, string[] outputs, params AttributeProto[] attributes)
    {
        var node = new NodeProto { OpType = op, Name = Fresh(op + "_node") };
        node.Input.AddRange(inputs);
        node.Output.AddRange(outputs);
        node.Attribute.AddRange(attributes);
        Graph.Node.Add(node);
    }

    /// <summary>Adds a node with one fresh output and returns that output's name.</summary>
    public string Op(string op, string[] inputs, params AttributeProto[] attributes)
    {
        string output = Fresh(op.ToLowerInvariant());
        Node(op, inputs, [output], attributes);
        return output;
    }

    public string MatMul(string a, string b) => Op("MatMul", [a, b]);
    public string Add(string a, string b) => Op("Add", [a, b]);
    public string Sub(string a, string b) => Op("Sub", [a, b]);
    public string Mul(string a, string b) => Op("Mul", [a, b]);
    public string Div(string a, string b) => Op("Div", [a, b]);
    public string Where(string condition, string a, string b) => Op("Where", [condition, a, b]);
    public string Shape(string x) => Op("Shape", [x]);
    public string Cast(string x, DataType to) => Op("Cast", [x], OnnxAttribute.Int("to", (long)to));
    public string Transpose(string x, params long[] perm) => Op("Transpose", [x], OnnxAttribute.Ints("perm", perm));
    public string Reshape(string x, params long[] shape) => Op("Reshape", [x, Int64s("shape", shape)]);
    public string Unsqueeze(string x, params long[] axes) => Op("Unsqueeze", [x, Int64s("axes", axes)]);
    public string Squeeze(string x, params long[] axes) => Op("Squeeze", [x, Int64s("axes", axes)]);
    public string Concat(long axis, params string[] inputs) => inputs.Length == 1 ? inputs[0] : Op("Concat", inputs, OnnxAttribute.Int("axis", axis));
    public string Softmax(string x) => Op("Softmax", [x], OnnxAttribute.Int("axis", -1));

    /// <summary><c>x[start:end]</c> along one axis.</summary>
    public string Slice(string x, long axis, long start, long end) =>
        Op("Slice", [x, Int64s("starts", [start]), Int64s("ends", [end]), Int64s("axes", [axis])]);

    /// <summary>Σ over <paramref name="axes"/> (ReduceSum takes its axes as an input since opset 13).</summary>
    public string ReduceSum(string x, bool keepDims, params long[] axes) =>
        Op("ReduceSum", [x, Int64s("axes", axes)], OnnxAttribute.Int("keepdims", keepDims ? 1 : 0));

    /// <summary>
    /// Zeros of shape (<paramref name="leading"/>…, B, <paramref name="size"/>), B read from axis
    /// <paramref name="batchAxis"/> of <paramref name="batchOf"/> (so the graph keeps a dynamic batch).
    /// </summary>
    public string Zeros(string batchOf, long batchAxis, long[] leading, long size)
    {
        var parts = new List<string>();
        if (leading.Length > 0) parts.Add(Int64s("leading", leading));
        parts.Add(Slice(Shape(batchOf), 0, batchAxis, batchAxis + 1));
        parts.Add(Int64s("size", [size]));
        var zero = new TensorProto { DataType = (int)DataType.Float, Dims = { 1 }, FloatData = { 0f } };
        return Op("ConstantOfShape", [Concat(0, [.. parts])],
            new AttributeProto { Name = "value", Type = AttributeProto.Types.AttributeType.Tensor, T = zero });
    }

    /// <summary>φ applied element-wise; identity adds no node.</summary>
    public string Activate(string x, Autodiff.Activation activation) => activation switch
    {
        Autodiff.Activation.Tanh => Op("Tanh", [x]),
        Autodiff.Activation.Sigmoid => Op("Sigmoid", [x]),
        Autodiff.Activation.Relu => Op("Relu", [x]),
        Autodiff.Activation.Identity => x,
        _ => throw new NotSupportedException($"The activation {activation} has no ONNX export."),
    };

    /// <summary>An affine map of the last axis, <c>x·Wᵀ + b</c>, from a weight (out, in) and a bias (out) or null.</summary>
    public string Linear(string x, string hint, ReadOnlySpan<float> weight, int outputs, int inputs, ReadOnlySpan<float> bias)
    {
        string y = MatMul(x, Floats(hint + ".weight_t", Transposed(weight, outputs, inputs), inputs, outputs));
        return bias.IsEmpty ? y : Add(y, Floats(hint + ".bias", bias, outputs));
    }

    /// <summary>The transpose of a row-major (rows, columns) matrix.</summary>
    public static float[] Transposed(ReadOnlySpan<float> matrix, int rows, int columns)
    {
        var t = new float[matrix.Length];
        for (int r = 0; r < rows; r++)
        {
            for (int c = 0; c < columns; c++) t[c * rows + r] = matrix[r * columns + c];
        }
        return t;
    }
}
