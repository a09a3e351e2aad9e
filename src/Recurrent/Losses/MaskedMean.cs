using System.Numerics;

namespace Recurrent.Losses;

/// <summary>
/// The weighted mean every element-wise loss reduces to: <c>L = Σᵢ mᵢ·ℓᵢ / Σᵢ mᵢ</c>, with the mask m given per element,
/// per row (each row's weight shared by its F features), or absent (all ones, PyTorch's <c>reduction='mean'</c>).
/// </summary>
/// <remarks>
/// Rows are what the softmax cross-entropy calls rows: the leading dimensions of a <c>(…, F)</c> tensor flattened, so a
/// padded step of a <c>(B, T, F)</c> sequence is masked out by one weight per <c>(b, t)</c>. Either way the loss is the
/// mean over the elements that count, and it is zero when none counts.
/// </remarks>
internal static class MaskedMean
{
    /// <summary>
    /// <c>Σᵢ mᵢ</c> over the <paramref name="length"/> elements (a row weight counts once per feature), after checking
    /// that the mask has one entry per element, one per row, or none.
    /// </summary>
    public static T Total<T>(ReadOnlySpan<T> mask, int length, int features)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        if (mask.IsEmpty) return T.CreateTruncating(length);
        if (mask.Length == length) return TensorPrimitives.Sum(mask);
        int rows = Rows(length, features);
        if (mask.Length == rows) return T.CreateTruncating(features) * TensorPrimitives.Sum(mask);
        throw new ArgumentException(
            $"mask has {mask.Length} entries; expected {length} (one per element) or {rows} (one per row of {features} features).",
            nameof(mask));
    }

    /// <summary><c>Σᵢ mᵢ·ℓᵢ</c>, the numerator of the mean, for a mask already checked by <see cref="Total"/>.</summary>
    public static T WeightedSum<T>(ReadOnlySpan<T> terms, ReadOnlySpan<T> mask, int features)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        if (mask.IsEmpty) return TensorPrimitives.Sum(terms);
        if (mask.Length == terms.Length) return TensorPrimitives.Dot(terms, mask);
        T sum = T.Zero;
        for (int n = 0; n < mask.Length; n++)
        {
            if (mask[n] != T.Zero) sum += mask[n] * TensorPrimitives.Sum(terms.Slice(n * features, features));
        }
        return sum;
    }

    /// <summary><c>vᵢ ← c·mᵢ·vᵢ</c>: turns a per-element derivative into the derivative of the weighted mean.</summary>
    public static void Weigh<T>(Span<T> values, ReadOnlySpan<T> mask, int features, T scale)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        if (mask.Length == values.Length) TensorPrimitives.Multiply(values, mask, values);
        if (mask.IsEmpty || mask.Length == values.Length)
        {
            TensorPrimitives.Multiply(values, scale, values);
            return;
        }
        for (int n = 0; n < mask.Length; n++)
        {
            var row = values.Slice(n * features, features);
            TensorPrimitives.Multiply(row, scale * mask[n], row);
        }
    }

    /// <summary>The features F per row of a tensor of this shape: its last dimension (1 for a scalar).</summary>
    public static int Features(ReadOnlySpan<int> shape) => shape.IsEmpty ? 1 : shape[^1];

    private static int Rows(int length, int features) => features == 0 ? 0 : length / features;
}
