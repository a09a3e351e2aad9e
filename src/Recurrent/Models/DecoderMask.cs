using System.Numerics;
using Recurrent.Data;

namespace Recurrent.Models;

/// <summary>The loss mask of a teacher-forced decoder: 1 for the steps <c>t &lt; Lengths[b]</c> of each row, 0 for padding.</summary>
internal static class DecoderMask
{
    /// <summary>Fills <paramref name="mask"/> (grown when too short) and returns its first B·S values.</summary>
    public static ReadOnlySpan<T> Fill<T>(ref T[] mask, DecoderSequences targets) where T : unmanaged, IFloatingPointIeee754<T>
    {
        int rows = targets.Rows, steps = targets.Steps;
        if (mask.Length < rows * steps) mask = new T[rows * steps];
        for (int b = 0; b < rows; b++)
        {
            for (int t = 0; t < steps; t++) mask[b * steps + t] = t < targets.Lengths[b] ? T.One : T.Zero;
        }
        return mask.AsSpan(0, rows * steps);
    }
}
