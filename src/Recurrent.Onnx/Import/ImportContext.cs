using Recurrent.Onnx.Proto;

namespace Recurrent.Onnx.Import;

/// <summary>
/// The file being imported, for the one-line messages every problem becomes: <see cref="InvalidDataException"/> for a
/// file that is not a valid ONNX model, <see cref="NotSupportedException"/> for a valid one the importer cannot map.
/// </summary>
/// <param name="File">The file's name as messages show it (<c>model.onnx</c>).</param>
internal sealed record ImportContext(string File)
{
    /// <summary>What a recurrent model's graph may hold, for the message about an operator outside it.</summary>
    public const string Expected = "expected the LSTM/GRU/RNN, Gather, MatMul/Gemm/Add, Transpose/Reshape… that recurrent models export to";

    /// <summary>A node's name as messages show it: its name, or its first output's when it has none.</summary>
    public static string NameOf(NodeProto node) =>
        node.Name.Length > 0 ? node.Name : node.Output.Count > 0 ? node.Output[0] : "(unnamed)";

    /// <summary>The file is not a valid ONNX model.</summary>
    public InvalidDataException Invalid(string problem) => new(Line($"{File}: {problem}"));

    /// <summary>A construct the importer does not map.</summary>
    public NotSupportedException Unsupported(string problem) => new(Line($"{File}: {problem}"));

    /// <summary>A node that computes on the data path with an operator the importer does not understand.</summary>
    public NotSupportedException UnsupportedNode(NodeProto node) =>
        new(Line($"{File}: node '{NameOf(node)}' ({node.OpType}) is not supported by the importer ({Expected})."));

    /// <summary>A node the importer understands, used in a way it does not map.</summary>
    public NotSupportedException UnsupportedNode(NodeProto node, string problem) =>
        new(Line($"{File}: node '{NameOf(node)}' ({node.OpType}) {problem}"));

    /// <summary>A node that breaks the ONNX specification.</summary>
    public InvalidDataException InvalidNode(NodeProto node, string problem) =>
        new(Line($"{File}: node '{NameOf(node)}' ({node.OpType}) {problem}"));

    /// <summary>The message on one line: names read from the file may hold line breaks or other control characters.</summary>
    private static string Line(string message) =>
        string.Create(message.Length, message, (span, text) =>
        {
            for (int i = 0; i < text.Length; i++) span[i] = char.IsControl(text[i]) || text[i] is '\u2028' or '\u2029' ? '?' : text[i];
        });
}
