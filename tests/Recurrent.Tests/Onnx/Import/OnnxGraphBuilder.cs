using Google.Protobuf;
using Recurrent.Onnx.Proto;

namespace Recurrent.Tests.Onnx.Import;

/// <summary>Builds small ONNX models by hand, node by node, for the importer's tests (and ONNX Runtime to run them).</summary>
internal sealed class OnnxGraphBuilder
{
    private readonly GraphProto _graph = new() { Name = "test" };
    private int _next;

    /// <summary>The ai.onnx opset the model declares.</summary>
    public int Opset { get; set; } = 14;

    /// <summary>The graph, to change before serialising.</summary>
    public GraphProto Graph => _graph;

    /// <summary>A float initializer.</summary>
    public string Initializer(string name, float[] values, params long[] dims)
    {
        var t = new TensorProto { Name = name, DataType = (int)TensorProto.Types.DataType.Float };
        t.Dims.AddRange(dims);
        t.FloatData.AddRange(values);
        _graph.Initializer.Add(t);
        return name;
    }

    /// <summary>A float tensor from a <c>Constant</c> node (raw little-endian bytes, as torch writes them).</summary>
    public string Constant(float[] values, params long[] dims)
    {
        var t = new TensorProto { DataType = (int)TensorProto.Types.DataType.Float, RawData = ByteString.CopyFrom(values.SelectMany(BitConverter.GetBytes).ToArray()) };
        t.Dims.AddRange(dims);
        return Node("Constant", [], [Attribute("value", t)]);
    }

    /// <summary>An int64 tensor (1-D, or a scalar) from a <c>Constant</c> node.</summary>
    public string Ints(long[] values, bool scalar = false)
    {
        var t = new TensorProto { DataType = (int)TensorProto.Types.DataType.Int64 };
        if (!scalar) t.Dims.Add(values.Length);
        t.Int64Data.AddRange(values);
        return Node("Constant", [], [Attribute("value", t)]);
    }

    /// <summary>A graph input; a negative dimension is symbolic (named after its position).</summary>
    public string Input(string name, TensorProto.Types.DataType type, params long[] dims)
    {
        var shape = new TensorShapeProto();
        for (int i = 0; i < dims.Length; i++)
        {
            shape.Dim.Add(dims[i] >= 0 ? new TensorShapeProto.Types.Dimension { DimValue = dims[i] } : new TensorShapeProto.Types.Dimension { DimParam = $"{name}_d{i}" });
        }
        _graph.Input.Add(new ValueInfoProto { Name = name, Type = new TypeProto { TensorType = new TypeProto.Types.Tensor { ElemType = (int)type, Shape = shape } } });
        return name;
    }

    /// <summary>A graph output (float, shape left to inference).</summary>
    public void Output(string name) =>
        _graph.Output.Add(new ValueInfoProto { Name = name, Type = new TypeProto { TensorType = new TypeProto.Types.Tensor { ElemType = (int)TensorProto.Types.DataType.Float } } });

    /// <summary>A node with one output, named after its operator; returns the output's name.</summary>
    public string Node(string op, string[] inputs, AttributeProto[]? attributes = null, string? name = null) =>
        Nodes(op, inputs, 1, attributes, name)[0];

    /// <summary>A node with several outputs; returns their names.</summary>
    public string[] Nodes(string op, string[] inputs, int outputs, AttributeProto[]? attributes = null, string? name = null)
    {
        name ??= $"{op}_{_next++}";
        var node = new NodeProto { OpType = op, Name = name };
        node.Input.AddRange(inputs);
        var names = Enumerable.Range(0, outputs).Select(i => $"{name}_out{i}").ToArray();
        node.Output.AddRange(names);
        if (attributes is not null) node.Attribute.AddRange(attributes);
        _graph.Node.Add(node);
        return names;
    }

    /// <summary>The serialised model.</summary>
    public byte[] ToBytes()
    {
        var model = new ModelProto { IrVersion = 8, ProducerName = "Recurrent.Tests", Graph = _graph };
        model.OpsetImport.Add(new OperatorSetIdProto { Domain = "", Version = Opset });
        return model.ToByteArray();
    }

    public static AttributeProto Attribute(string name, long value) => new() { Name = name, Type = AttributeProto.Types.AttributeType.Int, I = value };

    public static AttributeProto Attribute(string name, float value) => new() { Name = name, Type = AttributeProto.Types.AttributeType.Float, F = value };

    public static AttributeProto Attribute(string name, string value) => new() { Name = name, Type = AttributeProto.Types.AttributeType.String, S = ByteString.CopyFromUtf8(value) };

    public static AttributeProto Attribute(string name, TensorProto value) => new() { Name = name, Type = AttributeProto.Types.AttributeType.Tensor, T = value };

    public static AttributeProto Attribute(string name, long[] values)
    {
        var a = new AttributeProto { Name = name, Type = AttributeProto.Types.AttributeType.Ints };
        a.Ints.AddRange(values);
        return a;
    }

    public static AttributeProto Attribute(string name, string[] values)
    {
        var a = new AttributeProto { Name = name, Type = AttributeProto.Types.AttributeType.Strings };
        a.Strings.AddRange(values.Select(ByteString.CopyFromUtf8));
        return a;
    }
}
