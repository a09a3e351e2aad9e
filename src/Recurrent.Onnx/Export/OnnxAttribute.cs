using Google.Protobuf;
using Recurrent.Onnx.Proto;
using AttributeType = Recurrent.Onnx.Proto.AttributeProto.Types.AttributeType;

namespace Recurrent.Onnx.Export;

/// <summary>Short constructors for the node attributes the exporter writes (ints, floats, strings, subgraphs).</summary>
internal static class OnnxAttribute
{
    public static AttributeProto Int(string name, long value) => new() { Name = name, Type = AttributeType.Int, I = value };

    public static AttributeProto Ints(string name, params long[] values)
    {
        var a = new AttributeProto { Name = name, Type = AttributeType.Ints };
        a.Ints.AddRange(values);
        return a;
    }

    public static AttributeProto Floats(string name, params float[] values)
    {
        var a = new AttributeProto { Name = name, Type = AttributeType.Floats };
        a.Floats.AddRange(values);
        return a;
    }

    public static AttributeProto String(string name, string value) =>
        new() { Name = name, Type = AttributeType.String, S = ByteString.CopyFromUtf8(value) };

    public static AttributeProto Strings(string name, params string[] values)
    {
        var a = new AttributeProto { Name = name, Type = AttributeType.Strings };
        foreach (string v in values) a.Strings.Add(ByteString.CopyFromUtf8(v));
        return a;
    }

    public static AttributeProto Graph(string name, GraphProto graph) => new() { Name = name, Type = AttributeType.Graph, G = graph };
}
