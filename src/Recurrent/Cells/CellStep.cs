using System.Numerics;
using Recurrent.Autodiff;

namespace Recurrent.Cells;

/// <summary>What one step of a cell produces.</summary>
/// <typeparam name="T">Element type.</typeparam>
/// <param name="Output">The per-step output: h[t+1], or ŷ[t+1] for cells with an output layer, <c>(B, OutputSize)</c>.</param>
/// <param name="State">The new state, one tensor per entry of <see cref="IRecurrentCell{T}.State"/>.</param>
public readonly record struct CellStep<T>(Variable<T> Output, Variable<T>[] State) where T : unmanaged, IFloatingPointIeee754<T>;
