namespace Recurrent.Layers;

/// <summary>
/// What a model file says about the model besides its weights, so that <c>Model.Load</c> can rebuild it from the
/// file alone: its kind, its configuration as JSON, and other strings it needs (a vocabulary, normalisation statistics).
/// </summary>
/// <remarks>Nothing in it may be a local path: model files are shared.</remarks>
/// <param name="Kind">The model's kind, such as <c>char-lm</c> or <c>sequence-classifier</c>.</param>
/// <param name="Config">The configuration as a JSON document.</param>
/// <param name="Metadata">Other strings by name, or null.</param>
public sealed record ModelDescription(string Kind, string Config, IReadOnlyDictionary<string, string>? Metadata = null);
