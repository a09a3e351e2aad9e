using System.Numerics;

namespace Recurrent.Autodiff;

public static partial class Ops
{
    /// <summary>
    /// Each sequence's own last valid step, the lecture's "último paso" read-out of an N-1 model:
    /// <c>y[b] = x[b, len_b − 1]</c> of a batch-first <c>(B, T, F)</c> tensor, <c>(B, F)</c>. With no lengths every
    /// sequence ends at step T − 1.
    /// </summary>
    /// <typeparam name="T">Element type.</typeparam>
    /// <param name="tape">The tape that records the operation.</param>
    /// <param name="x">A batch-first sequence tensor <c>(B, T, F)</c>.</param>
    /// <param name="lengths">Each sequence's length in <c>[1, T]</c>; empty when all have length T. Copied.</param>
    /// <returns>The last valid step of each sequence, a copy.</returns>
    public static Variable<T> LastStep<T>(this Tape<T> tape, Variable<T> x, ReadOnlySpan<int> lengths = default)
        where T : unmanaged, IFloatingPointIeee754<T>
        => tape.Record<SelectStepNode<T>>().ForwardLast(x, lengths);

    /// <summary>Checks that <paramref name="lengths"/> has one entry in <c>[1, steps]</c> per sequence (or is empty).</summary>
    internal static void CheckLengths(ReadOnlySpan<int> lengths, int batch, int steps)
    {
        if (lengths.IsEmpty) return;
        if (lengths.Length != batch) throw new ArgumentException($"lengths has {lengths.Length} entries; expected one per sequence, B = {batch}.", nameof(lengths));
        for (int b = 0; b < batch; b++)
        {
            if (lengths[b] < 1 || lengths[b] > steps) throw new ArgumentException($"lengths[{b}] = {lengths[b]} is outside [1, T = {steps}].", nameof(lengths));
        }
    }
}
