using System.Numerics;
using Recurrent.Autodiff;

namespace Recurrent.Cells;

/// <summary>
/// A recurrent cell: one time step <c>(x[t+1], state[t]) ↦ (ŷ[t+1], state[t+1])</c> as a pure function of its input,
/// its state and its weights. The caller holds the state; unrolling the same cell over T steps shares its weights.
/// </summary>
/// <remarks>
/// <see cref="Step"/> is the readable reference: the cell's equations written with the tape's primitives, so that
/// backpropagation through time comes from the tape. Cells with a fused sequence kernel also implement
/// <c>IFusedCell</c>, which the recurrent layer uses by default.
/// </remarks>
/// <typeparam name="T">Element type.</typeparam>
public interface IRecurrentCell<T> where T : unmanaged, IFloatingPointIeee754<T>
{
    /// <summary>Which cell this is.</summary>
    CellKind Kind { get; }

    /// <summary>Features of the input x, I.</summary>
    int InputSize { get; }

    /// <summary>Units of the hidden state h, H.</summary>
    int HiddenSize { get; }

    /// <summary>Features of the per-step output: H, or the size O of ŷ for cells with an output layer.</summary>
    int OutputSize { get; }

    /// <summary>The name and size of each state tensor, in order: <c>h</c>; <c>h, c</c> (LSTM); <c>y</c> (Jordan); <c>h, y</c> (Elman–Jordan).</summary>
    IReadOnlyList<(string Name, int Size)> State { get; }

    /// <summary>The weights, named as in PyTorch without the layer suffix (<c>weight_ih</c>, <c>weight_hh</c>, <c>bias_ih</c>, …).</summary>
    IReadOnlyList<Variable<T>> Parameters { get; }

    /// <summary>One step of the cell's equations, recorded on <paramref name="tape"/>.</summary>
    /// <param name="tape">The tape.</param>
    /// <param name="x">The input x[t+1], <c>(B, I)</c>.</param>
    /// <param name="state">The state at t, one <c>(B, size)</c> tensor per entry of <see cref="State"/>.</param>
    /// <returns>The step's output and the state at t+1.</returns>
    CellStep<T> Step(Tape<T> tape, Variable<T> x, ReadOnlySpan<Variable<T>> state);
}
