using Google.Protobuf;
using Recurrent.Onnx.Proto;

namespace Recurrent.Onnx.Export;

/// <summary>One exported ONNX model (a whole model, a Seq2Seq encoder, or one decoder step), ready to save or run.</summary>
public sealed class OnnxGraph
{
    private readonly ModelProto _model;

    internal OnnxGraph(string name, ModelProto model)
    {
        Name = name;
        _model = model;
    }

    /// <summary>Its role: <c>model</c>, or <c>encoder</c> and <c>decoder</c> of a two-graph model.</summary>
    public string Name { get; }

    /// <summary>The graph inputs, in order.</summary>
    public IReadOnlyList<string> Inputs => _model.Graph.Input.Select(i => i.Name).ToArray();

    /// <summary>The graph outputs, in order.</summary>
    public IReadOnlyList<string> Outputs => _model.Graph.Output.Select(o => o.Name).ToArray();

    /// <summary>Each input and output with its element type and shape, <c>x: float (batch, steps, 3)</c>, for listings.</summary>
    public IReadOnlyList<string> Signature => _model.Graph.Input.Concat(_model.Graph.Output).Select(Describe).ToArray();

    /// <summary>The default domain's opset.</summary>
    public int Opset => (int)_model.OpsetImport[0].Version;

    /// <summary>The serialized model (an ONNX protobuf file's bytes).</summary>
    /// <returns>The bytes.</returns>
    public byte[] ToBytes() => _model.ToByteArray();

    /// <summary>Writes the serialized model.</summary>
    /// <param name="stream">The destination.</param>
    public void WriteTo(Stream stream) => _model.WriteTo(stream);

    internal ModelProto Model => _model;

    private static string Describe(ValueInfoProto value)
    {
        var tensor = value.Type.TensorType;
        string type = ((TensorProto.Types.DataType)tensor.ElemType).ToString().ToLowerInvariant();
        string dims = string.Join(", ", tensor.Shape.Dim.Select(d => d.HasDimValue ? d.DimValue.ToString(System.Globalization.CultureInfo.InvariantCulture) : d.DimParam));
        return $"{value.Name}: {type} ({dims})";
    }
}
