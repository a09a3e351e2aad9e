namespace Recurrent.View.Files;

/// <summary>A model file as <c>GET /api/models</c> lists it.</summary>
/// <param name="Id">What requests name it by.</param>
/// <param name="Path">The file.</param>
/// <param name="Kind">The model kind (<c>char-lm</c>, …), or null when the file cannot be read.</param>
/// <param name="Cell">The recurrent cell (Lstm, Gru, CudnnGru, Elman), or null.</param>
/// <param name="Layers">L.</param>
/// <param name="Hidden">H.</param>
/// <param name="Vocabulary">V.</param>
/// <param name="States">The state entries a step keeps (<c>h</c>, and <c>c</c> for the LSTM).</param>
/// <param name="Gates">The gate activations a step reports (<c>i, f, g, o</c>; <c>r, z, n</c>).</param>
/// <param name="Error">Why the view cannot use it, or null.</param>
internal sealed record ModelInfo(string Id, string Path, string? Kind, string? Cell, int Layers, int Hidden, int Vocabulary,
    IReadOnlyList<string> States, IReadOnlyList<string> Gates, string? Error);
