using System.Numerics;

namespace Recurrent.Kernels;

/// <summary>
/// A fused element-wise computation over several spans at once (a cell's gate arithmetic: many inputs and outputs
/// per element), written once for a vector of lanes of either width and once for a single lane;
/// <see cref="ElementWise.Run{T, TKernel}"/> calls the first over whole vectors and the second over the remainder.
/// </summary>
/// <remarks>
/// Implemented by ref structs that hold the spans, so running one allocates nothing. The vector form is generic over
/// <see cref="ILaneVector{TSelf, T}"/>, so that the same source also compiles to 512-bit code where the processor
/// has it: a gate pass is a chain of dependent exponentials, and lanes twice as wide keep twice as many in flight
/// (measured in isolation on this project's 2-core AMD EPYC machine: the LSTM gate pass over 32×128 units takes 13.7 µs
/// at 512 bits against 20.5 µs at 256; whole training and inference steps there, whose products run at the same peak
/// either way, measure alike, within 5 %).
/// </remarks>
/// <typeparam name="T">Element type.</typeparam>
internal interface ILaneKernel<T> where T : unmanaged, IFloatingPointIeee754<T>
{
    /// <summary>Processes the <c>TV.Count</c> elements starting at <paramref name="i"/>.</summary>
    /// <typeparam name="TV">The lanes: <see cref="Lanes512{T}"/> or <see cref="Lanes256{T}"/>.</typeparam>
    /// <param name="i">Index of the first element.</param>
    void Vector<TV>(int i) where TV : struct, ILaneVector<TV, T>;

    /// <summary>Processes element <paramref name="i"/>.</summary>
    /// <param name="i">Index of the element.</param>
    void Scalar(int i);
}
