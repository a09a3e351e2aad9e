using System.Numerics;
using Recurrent.Autodiff;

namespace Recurrent.Models;

/// <summary>The lecture's "último paso" pooling over a recurrent layer's output, for one or both directions.</summary>
internal static class LastStates
{
    /// <summary>
    /// The last state of each sequence, <c>(B, D·H)</c>: the forward direction ends at each sequence's last step, the
    /// reverse direction at step 0 (it has read the whole sequence by then).
    /// </summary>
    public static Variable<T> Of<T>(Tape<T> tape, Variable<T> output, int directions, ReadOnlySpan<int> lengths) where T : unmanaged, IFloatingPointIeee754<T>
    {
        if (directions == 1) return tape.LastStep(output, lengths);
        int half = output.Value.Dim(2) / 2;
        var forward = tape.LastStep(tape.Slice(output, 0, half), lengths);
        var reverse = tape.SelectStep(tape.Slice(output, half, half), 0, batchFirst: true);
        return tape.Concat(forward, reverse);
    }
}
