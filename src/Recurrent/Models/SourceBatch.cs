using System.Numerics;
using Recurrent.Tensors;

namespace Recurrent.Models;

/// <summary>
/// The input side of a batch for a <see cref="Seq2Seq{T}"/>: B source sequences, either token ids (a sentence, a
/// question) or feature vectors (video frames), with each sequence's length.
/// </summary>
/// <typeparam name="T">Element type.</typeparam>
public sealed class SourceBatch<T> where T : unmanaged, IFloatingPointIeee754<T>
{
    private SourceBatch(int[]? ids, Tensor<T>? features, int batch, int steps, int[]? lengths)
    {
        if (lengths is not null && lengths.Length != batch) throw new ArgumentException($"lengths has {lengths.Length} entries; expected one per source, B = {batch}.", nameof(lengths));
        (Ids, Features, Batch, Steps, Lengths) = (ids, features, batch, steps, lengths);
    }

    /// <summary>Token ids, row-major <c>(B, T_x)</c>, or null for feature sources.</summary>
    public int[]? Ids { get; }

    /// <summary>Feature vectors <c>(B, T_x, I)</c>, or null for token sources.</summary>
    public Tensor<T>? Features { get; }

    /// <summary>B.</summary>
    public int Batch { get; }

    /// <summary>T_x, steps per row (the longest source).</summary>
    public int Steps { get; }

    /// <summary>Each source's length in <c>[1, T_x]</c>, or null when all have length T_x.</summary>
    public int[]? Lengths { get; }

    /// <summary>Sources of token ids.</summary>
    /// <param name="ids">Row-major <c>(B, T_x)</c> ids (referenced, not copied).</param>
    /// <param name="batch">B.</param>
    /// <param name="lengths">Each source's length, or null when all have length T_x.</param>
    /// <returns>The batch.</returns>
    public static SourceBatch<T> FromIds(int[] ids, int batch, int[]? lengths = null)
    {
        ArgumentNullException.ThrowIfNull(ids);
        if (batch < 1 || ids.Length == 0 || ids.Length % batch != 0) throw new ArgumentException($"ids has {ids.Length} entries; expected B = {batch} rows of equal length.", nameof(ids));
        return new SourceBatch<T>(ids, null, batch, ids.Length / batch, lengths);
    }

    /// <summary>Sources of feature vectors.</summary>
    /// <param name="features">The sequences <c>(B, T_x, I)</c> (referenced, not copied).</param>
    /// <param name="lengths">Each source's length, or null when all have length T_x.</param>
    /// <returns>The batch.</returns>
    public static SourceBatch<T> FromFeatures(Tensor<T> features, int[]? lengths = null)
    {
        ArgumentNullException.ThrowIfNull(features);
        if (features.Rank != 3) throw new ArgumentException($"features has shape {Tensor<T>.ShapeText(features.Shape)}; expected (B, T_x, I).", nameof(features));
        return new SourceBatch<T>(null, features, features.Dim(0), features.Dim(1), lengths);
    }
}
