using Recurrent.Serialization;

namespace Recurrent.Onnx.Export;

/// <summary>
/// What <see cref="OnnxExporter.Export"/> returns: one graph (<c>model</c>) for most models, or two for the models a
/// runtime drives token by token (Seq2Seq and SequenceGenerator: <c>encoder</c>, then <c>decoder</c> once per token).
/// </summary>
public sealed class OnnxExport
{
    internal OnnxExport(IReadOnlyList<OnnxGraph> graphs) => Graphs = graphs;

    /// <summary>The graphs, in the order a runtime runs them.</summary>
    public IReadOnlyList<OnnxGraph> Graphs { get; }

    /// <summary>The graph named <paramref name="name"/>.</summary>
    /// <param name="name"><c>model</c>, <c>encoder</c> or <c>decoder</c>.</param>
    /// <returns>The graph.</returns>
    public OnnxGraph this[string name] => Graphs.FirstOrDefault(g => g.Name == name)
        ?? throw new KeyNotFoundException($"This export has no graph '{name}'; it has {string.Join(", ", Graphs.Select(g => g.Name))}.");

    /// <summary>
    /// Writes the export: <paramref name="path"/> for a one-graph model, or <c>name.encoder.onnx</c> and
    /// <c>name.decoder.onnx</c> beside it for a two-graph model (<c>name</c> is <paramref name="path"/> without its
    /// extension). Each file is written to a temporary name and renamed, so a failed write leaves no partial file.
    /// </summary>
    /// <param name="path">The file to write (<c>.onnx</c>).</param>
    /// <returns>The files written, in the order of <see cref="Graphs"/>.</returns>
    public IReadOnlyList<string> Save(string path)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        var paths = new List<string>();
        foreach (var graph in Graphs)
        {
            string file = Graphs.Count == 1 ? path
                : Path.Combine(Path.GetDirectoryName(Path.GetFullPath(path))!, $"{Path.GetFileNameWithoutExtension(path)}.{graph.Name}.onnx");
            AtomicFile.Write(file, graph.WriteTo);
            paths.Add(file);
        }
        return paths;
    }
}
