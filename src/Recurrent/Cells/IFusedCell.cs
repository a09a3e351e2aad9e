using System.Numerics;

namespace Recurrent.Cells;

/// <summary>
/// A cell with fused sequence kernels: one forward and one backward over all T steps (see <see cref="FusedSequence{T}"/>),
/// which the recurrent layer uses instead of recording each step's primitives.
/// </summary>
/// <typeparam name="T">Element type.</typeparam>
internal interface IFusedCell<T> : IRecurrentCell<T> where T : unmanaged, IFloatingPointIeee754<T>
{
    /// <summary>Whether this cell's configuration has fused kernels (an Elman cell with an output layer has none).</summary>
    bool HasFusedKernels { get; }

    /// <summary>A new kernel object bound to this cell's weights; it keeps its buffers from one call to the next.</summary>
    /// <returns>The kernel.</returns>
    FusedSequence<T> CreateSequence();
}
