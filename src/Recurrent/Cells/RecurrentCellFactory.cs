using System.Numerics;
using Recurrent.Tensors;

namespace Recurrent.Cells;

/// <summary>Creates a cell of any <see cref="CellKind"/>: what a recurrent layer calls for each of its layers and directions.</summary>
public static class RecurrentCellFactory
{
    /// <summary>A new cell with freshly initialised weights.</summary>
    /// <typeparam name="T">Element type.</typeparam>
    /// <param name="kind">Which cell.</param>
    /// <param name="inputSize">I.</param>
    /// <param name="hiddenSize">H.</param>
    /// <param name="rng">The initialisation's random source.</param>
    /// <param name="options">Cell options (non-linearity, output layer, forget bias).</param>
    /// <returns>The cell.</returns>
    public static IRecurrentCell<T> Create<T>(CellKind kind, int inputSize, int hiddenSize, Rng rng, CellOptions? options = null)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        options ??= new CellOptions();
        return kind switch
        {
            CellKind.Elman => new ElmanCell<T>(inputSize, hiddenSize, rng, options),
            CellKind.Jordan => new JordanCell<T>(inputSize, hiddenSize, rng, options),
            CellKind.ElmanJordan => new ElmanJordanCell<T>(inputSize, hiddenSize, rng, options),
            CellKind.Lstm => new LstmCell<T>(inputSize, hiddenSize, rng, options),
            CellKind.Gru => new GruCell<T>(inputSize, hiddenSize, rng),
            CellKind.CudnnGru => new CudnnGruCell<T>(inputSize, hiddenSize, rng),
            _ => throw new ArgumentOutOfRangeException(nameof(kind), $"unknown cell kind {kind}."),
        };
    }
}
