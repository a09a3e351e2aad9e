using System.Numerics;
using Recurrent.Tensors;

namespace Recurrent.Layers;

/// <summary>
/// The state a caller holds while streaming sequences through a layer one step at a time
/// (<see cref="RecurrentLayer{T}.Step(ReadOnlySpan{T}, RecurrentState{T}, Span{T})"/>): one tensor per state entry (h, and c for LSTM), each <c>(L, B, size)</c>.
/// </summary>
/// <typeparam name="T">Element type.</typeparam>
public sealed class RecurrentState<T> where T : unmanaged, IFloatingPointIeee754<T>
{
    /// <summary>Creates a zero state.</summary>
    /// <param name="layers">L.</param>
    /// <param name="batch">B, the number of sequences advanced together.</param>
    /// <param name="sizes">The size of each state entry.</param>
    public RecurrentState(int layers, int batch, IReadOnlyList<(string Name, int Size)> sizes)
    {
        Batch = batch;
        Names = sizes.Select(s => s.Name).ToArray();
        Tensors = sizes.Select(s => new Tensor<T>(layers, batch, s.Size)).ToArray();
    }

    /// <summary>B.</summary>
    public int Batch { get; }

    /// <summary>The name of each entry (<c>h</c>, <c>c</c>, …).</summary>
    public IReadOnlyList<string> Names { get; }

    /// <summary>The state tensors, <c>(L, B, size)</c> each, in the order of <see cref="Names"/>.</summary>
    public IReadOnlyList<Tensor<T>> Tensors { get; }

    /// <summary>Sets every state back to zero (a new sequence in every row).</summary>
    public void Reset()
    {
        foreach (var t in Tensors) t.Clear();
    }

    /// <summary>Zeroes row <paramref name="b"/> of every state (a new sequence in that row only).</summary>
    /// <param name="b">The row.</param>
    public void ResetRow(int b)
    {
        foreach (var t in Tensors)
        {
            int layers = t.Dim(0), size = t.Dim(2);
            for (int k = 0; k < layers; k++) t.Span.Slice((k * Batch + b) * size, size).Clear();
        }
    }
}
