using System.Numerics;
using Recurrent.Autodiff;
using Recurrent.Tensors;

namespace Recurrent.Losses;

/// <summary>
/// The shared body of the element-wise losses: a per-element loss ℓᵢ(xᵢ, yᵢ) reduced to its weighted mean
/// <c>L = Σᵢ mᵢ·ℓᵢ / Σᵢ mᵢ</c>; backward <c>dxᵢ += dL · (mᵢ / Σm) · ∂ℓᵢ/∂xᵢ</c>, the slope the forward pass saves.
/// </summary>
/// <remarks>
/// The mask m comes per element, per row (each row's weight shared by its F features: rows are the leading
/// dimensions of a <c>(…, F)</c> tensor flattened, so one weight per <c>(b, t)</c> masks a padded step out), or not at
/// all (every weight 1, PyTorch's <c>reduction='mean'</c>). The loss is zero when every weight is zero.
/// </remarks>
/// <typeparam name="T">Element type.</typeparam>
internal abstract class ElementWiseLossNode<T> : Node<T> where T : unmanaged, IFloatingPointIeee754<T>
{
    private Variable<T> _input = null!;
    private Variable<T>? _loss;
    private T[] _terms = [];
    private T[] _slope = [];

    public Variable<T> Forward(Variable<T> input, Tensor<T> target, ReadOnlySpan<T> mask)
    {
        ArgumentNullException.ThrowIfNull(input);
        ArgumentNullException.ThrowIfNull(target);
        if (!input.Value.SameShape(target))
        {
            throw new ArgumentException($"target has shape {Tensor<T>.ShapeText(target.Shape)}; the input has {Tensor<T>.ShapeText(input.Shape)}.", nameof(target));
        }
        int n = input.Value.Length;
        int features = input.Value.Rank == 0 ? 1 : input.Value.Dim(-1);
        T total = Total(mask, n, features);
        _input = input;
        if (_slope.Length < n)
        {
            _slope = new T[n];
            _terms = new T[n];
        }
        Span<T> terms = _terms.AsSpan(0, n), slope = _slope.AsSpan(0, n);
        Terms(input.Value.Span, target.Span, terms, slope);
        T scale = total > T.Zero ? T.One / total : T.Zero;
        T loss = scale * WeightedSum(terms, mask, features);
        Weigh(slope, mask, features, scale);

        var output = Output(ref _loss, input.RequiresGrad, 0, 0, 0, 0, 0);
        output.Value[0] = loss;
        return output;
    }

    public override void Backward()
    {
        if (_loss!.Grad is not { } dl || !_input.RequiresGrad) return;
        var dx = _input.GradForAccumulation().Span;
        TensorPrimitives.MultiplyAdd(_slope.AsSpan(0, dx.Length), dl[0], dx, dx);
    }

    /// <summary>The per-element loss and its derivative.</summary>
    /// <param name="x">The input (prediction or logits).</param>
    /// <param name="y">The target.</param>
    /// <param name="terms">Receives ℓᵢ.</param>
    /// <param name="slope">Receives ∂ℓᵢ/∂xᵢ.</param>
    protected abstract void Terms(ReadOnlySpan<T> x, ReadOnlySpan<T> y, Span<T> terms, Span<T> slope);

    /// <summary><c>Σᵢ mᵢ</c> (a row weight counts once per feature), after checking the mask's length.</summary>
    private static T Total(ReadOnlySpan<T> mask, int length, int features)
    {
        if (mask.IsEmpty) return T.CreateTruncating(length);
        if (mask.Length == length) return TensorPrimitives.Sum(mask);
        int rows = features == 0 ? 0 : length / features;
        if (mask.Length == rows) return T.CreateTruncating(features) * TensorPrimitives.Sum(mask);
        throw new ArgumentException(
            $"mask has {mask.Length} entries; expected {length} (one per element) or {rows} (one per row of {features} features).",
            nameof(mask));
    }

    /// <summary><c>Σᵢ mᵢ·ℓᵢ</c>.</summary>
    private static T WeightedSum(ReadOnlySpan<T> terms, ReadOnlySpan<T> mask, int features)
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

    /// <summary><c>vᵢ ← c·mᵢ·vᵢ</c>: turns ∂ℓᵢ/∂xᵢ into ∂L/∂xᵢ.</summary>
    private static void Weigh(Span<T> values, ReadOnlySpan<T> mask, int features, T scale)
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
}
