using Recurrent.Onnx.Proto;

namespace Recurrent.Onnx.Import;

/// <summary>Reads a node's attributes by name, with the ONNX defaults the caller gives.</summary>
internal static class NodeAttributes
{
    /// <summary>The attribute, or null.</summary>
    public static AttributeProto? Find(NodeProto node, string name) => node.Attribute.FirstOrDefault(a => a.Name == name);

    /// <summary>Whether the node sets the attribute.</summary>
    public static bool Has(NodeProto node, string name) => Find(node, name) is not null;

    /// <summary>An integer attribute.</summary>
    public static long Int(NodeProto node, string name, long fallback) => Find(node, name) is { } a ? a.I : fallback;

    /// <summary>A float attribute.</summary>
    public static float Float(NodeProto node, string name, float fallback) => Find(node, name) is { } a ? a.F : fallback;

    /// <summary>An integer list attribute, or null.</summary>
    public static long[]? Ints(NodeProto node, string name) => Find(node, name) is { } a ? a.Ints.ToArray() : null;

    /// <summary>A string attribute.</summary>
    public static string String(NodeProto node, string name, string fallback) => Find(node, name) is { } a ? a.S.ToStringUtf8() : fallback;

    /// <summary>A string list attribute, or null.</summary>
    public static string[]? Strings(NodeProto node, string name) => Find(node, name) is { } a ? a.Strings.Select(s => s.ToStringUtf8()).ToArray() : null;

    /// <summary>The node's input <paramref name="index"/>, or "" when it is absent (optional inputs may be empty names).</summary>
    public static string Input(NodeProto node, int index) => index < node.Input.Count ? node.Input[index] : "";
}
