namespace Recurrent.Serialization;

/// <summary>One tensor of a safetensors header: its name, element type, shape and byte range.</summary>
/// <param name="Name">The tensor's name (PyTorch's <c>state_dict</c> key).</param>
/// <param name="DType">Its element type.</param>
/// <param name="Shape">Its dimensions, outermost first; empty for a scalar.</param>
/// <param name="Begin">The first byte of its data, counted from the start of the data section (after the header).</param>
/// <param name="End">One past its last byte; <c>End − Begin</c> = elements × element size.</param>
public sealed record SafetensorsEntry(string Name, SafetensorsDType DType, IReadOnlyList<int> Shape, long Begin, long End);
