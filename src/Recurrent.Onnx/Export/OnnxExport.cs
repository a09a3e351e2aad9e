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
}
