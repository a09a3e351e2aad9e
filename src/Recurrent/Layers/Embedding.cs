using System.Numerics;
using Recurrent.Autodiff;
using Recurrent.Tensors;

namespace Recurrent.Layers;

/// <summary>
/// A table of learned vectors, one per symbol (PyTorch's <c>nn.Embedding</c>): the product of a one-hot input with a
/// weight matrix, computed as a row lookup. <c>weight</c> (V, E), initialised from N(0, 1) as PyTorch does.
/// </summary>
/// <typeparam name="T">Element type.</typeparam>
public sealed class Embedding<T> : Module<T> where T : unmanaged, IFloatingPointIeee754<T>
{
    /// <summary>Creates the table with freshly initialised vectors.</summary>
    /// <param name="count">V, the number of symbols.</param>
    /// <param name="size">E, the size of each vector.</param>
    /// <param name="rng">The initialisation's random source.</param>
    public Embedding(int count, int size, Rng rng)
    {
        if (count <= 0) throw new ArgumentOutOfRangeException(nameof(count), $"count must be positive; got {count}.");
        if (size <= 0) throw new ArgumentOutOfRangeException(nameof(size), $"size must be positive; got {size}.");
        Count = count;
        Size = size;
        Weight = RegisterParameter("weight", new Variable<T>(Tensor.Normal<T>(rng, 0, 1, count, size), requiresGrad: true));
    }

    /// <summary>V.</summary>
    public int Count { get; }

    /// <summary>E.</summary>
    public int Size { get; }

    /// <summary>The table, <c>weight</c> (V, E).</summary>
    public Variable<T> Weight { get; }

    /// <summary>The vectors of <paramref name="ids"/>, <c>(N, E)</c>.</summary>
    /// <param name="tape">The tape.</param>
    /// <param name="ids">Symbols in <c>[0, V)</c>.</param>
    /// <returns>One row per id.</returns>
    public Variable<T> Forward(Tape<T> tape, ReadOnlySpan<int> ids) => tape.Embedding(Weight, ids);

    /// <summary>Copies the vector of symbol <paramref name="id"/> into <paramref name="destination"/>.</summary>
    /// <param name="id">A symbol in <c>[0, V)</c>.</param>
    /// <param name="destination">Receives E values.</param>
    public void Lookup(int id, Span<T> destination)
    {
        if ((uint)id >= (uint)Count) throw new ArgumentOutOfRangeException(nameof(id), $"id {id} is outside [0, {Count}).");
        Weight.Value.Span.Slice(id * Size, Size).CopyTo(destination);
    }
}
