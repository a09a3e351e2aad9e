using System.Numerics;
using Recurrent.Tensors;

namespace Recurrent.Autodiff;

/// <summary>
/// One recorded operation on a <see cref="Tape{T}"/>: each primitive's forward computes its output and keeps what
/// its <see cref="Backward"/> needs, and <see cref="Backward"/> adds the input gradients (<c>dx += …</c>).
/// </summary>
/// <remarks>
/// The tape reuses node objects, and the nodes reuse their output tensors, from one step to the next whenever the
/// same operation with the same shapes is recorded at the same position: a warm training step allocates nothing.
/// </remarks>
/// <typeparam name="T">Element type.</typeparam>
public abstract class Node<T> where T : unmanaged, IFloatingPointIeee754<T>
{
    private Variable<T>? _output;

    /// <summary>The tape that recorded this node; set by <see cref="Tape{T}.Record{TNode}"/>.</summary>
    protected internal Tape<T> Tape { get; internal set; } = null!;

    /// <summary>Adds the gradients of this operation's inputs, from the gradients of its outputs.</summary>
    public abstract void Backward();

    /// <summary>
    /// This node's output variable with the given shape: the one from the previous step when the shape matches,
    /// a new one otherwise. Its gradient is reset and it is registered with the tape.
    /// </summary>
    /// <param name="requiresGrad">Whether any input requires a gradient.</param>
    /// <param name="d0">First dimension.</param>
    /// <returns>The output variable.</returns>
    protected Variable<T> Output(bool requiresGrad, int d0) => Output(ref _output, requiresGrad, 1, d0, 0, 0, 0);

    /// <summary>As <see cref="Output(bool, int)"/>, rank 2.</summary>
    /// <param name="requiresGrad">Whether any input requires a gradient.</param>
    /// <param name="d0">First dimension.</param>
    /// <param name="d1">Second dimension.</param>
    /// <returns>The output variable.</returns>
    protected Variable<T> Output(bool requiresGrad, int d0, int d1) => Output(ref _output, requiresGrad, 2, d0, d1, 0, 0);

    /// <summary>As <see cref="Output(bool, int)"/>, rank 3.</summary>
    /// <param name="requiresGrad">Whether any input requires a gradient.</param>
    /// <param name="d0">First dimension.</param>
    /// <param name="d1">Second dimension.</param>
    /// <param name="d2">Third dimension.</param>
    /// <returns>The output variable.</returns>
    protected Variable<T> Output(bool requiresGrad, int d0, int d1, int d2) => Output(ref _output, requiresGrad, 3, d0, d1, d2, 0);

    /// <summary>As <see cref="Output(bool, int)"/>, with the shape of <paramref name="like"/>.</summary>
    /// <param name="requiresGrad">Whether any input requires a gradient.</param>
    /// <param name="like">The tensor whose shape to take.</param>
    /// <returns>The output variable.</returns>
    protected Variable<T> OutputLike(bool requiresGrad, Tensor<T> like)
    {
        ReadOnlySpan<int> s = like.Shape;
        return s.Length switch
        {
            0 => Output(ref _output, requiresGrad, 0, 0, 0, 0, 0),
            1 => Output(ref _output, requiresGrad, 1, s[0], 0, 0, 0),
            2 => Output(ref _output, requiresGrad, 2, s[0], s[1], 0, 0),
            3 => Output(ref _output, requiresGrad, 3, s[0], s[1], s[2], 0),
            4 => Output(ref _output, requiresGrad, 4, s[0], s[1], s[2], s[3]),
            _ => throw new ArgumentException($"Tensors of rank {s.Length} are not supported here.", nameof(like)),
        };
    }

    /// <summary>
    /// Reuses or creates <paramref name="slot"/> with the given shape (rank ≤ 4), for nodes with several outputs.
    /// </summary>
    /// <param name="slot">The node's field holding that output.</param>
    /// <param name="requiresGrad">Whether any input requires a gradient.</param>
    /// <param name="rank">Number of dimensions (0 for a scalar).</param>
    /// <param name="d0">First dimension.</param>
    /// <param name="d1">Second dimension.</param>
    /// <param name="d2">Third dimension.</param>
    /// <param name="d3">Fourth dimension.</param>
    /// <returns>The output variable.</returns>
    protected Variable<T> Output(ref Variable<T>? slot, bool requiresGrad, int rank, int d0, int d1, int d2, int d3)
    {
        if (slot is null || !HasShape(slot.Value, rank, d0, d1, d2, d3))
        {
            int[] shape = rank switch
            {
                0 => [],
                1 => [d0],
                2 => [d0, d1],
                3 => [d0, d1, d2],
                _ => [d0, d1, d2, d3],
            };
            slot = new Variable<T>(new Tensor<T>(shape));
        }
        slot.RequiresGrad = requiresGrad;
        slot.ZeroGrad();
        Tape.Track(slot);
        return slot;
    }

    private static bool HasShape(Tensor<T> t, int rank, int d0, int d1, int d2, int d3)
    {
        ReadOnlySpan<int> s = t.Shape;
        if (s.Length != rank) return false;
        return rank switch
        {
            0 => true,
            1 => s[0] == d0,
            2 => s[0] == d0 && s[1] == d1,
            3 => s[0] == d0 && s[1] == d1 && s[2] == d2,
            _ => s[0] == d0 && s[1] == d1 && s[2] == d2 && s[3] == d3,
        };
    }
}
