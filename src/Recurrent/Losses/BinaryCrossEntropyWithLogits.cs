using System.Numerics;
using Recurrent.Autodiff;
using Recurrent.Tensors;

namespace Recurrent.Losses;

public static partial class LossOps
{
    /// <summary>
    /// Binary cross-entropy of a sigmoid output, computed from its logits z:
    /// <c>L = Σᵢ mᵢ·ℓᵢ / Σᵢ mᵢ</c> with <c>ℓᵢ = −[yᵢ·log σ(zᵢ) + (1 − yᵢ)·log(1 − σ(zᵢ))]</c>, PyTorch's
    /// <c>binary_cross_entropy_with_logits</c> (<c>reduction='mean'</c>, no <c>pos_weight</c>) when there is no mask.
    /// </summary>
    /// <remarks>
    /// ℓ is evaluated as <c>max(z, 0) − z·y + log(1 + e^(−|z|))</c>, which is the same value but never takes the log of
    /// a probability that has rounded to 0 or 1: it stays finite and accurate for logits of any size, where
    /// <c>σ</c> followed by a log would return ∞ beyond |z| ≈ 17 in float.
    /// </remarks>
    /// <typeparam name="T">Element type.</typeparam>
    /// <param name="tape">The tape that records the operation.</param>
    /// <param name="logits">z, <c>(…, F)</c>: one independent yes/no score per element (multi-label outputs).</param>
    /// <param name="target">y, the same shape, each in <c>[0, 1]</c> (a label or a probability); no gradient flows to it.</param>
    /// <param name="mask">
    /// Empty: every element counts. N entries: the weight mₙ of each row, shared by its F features. One entry per
    /// element: the weight of each element.
    /// </param>
    /// <returns>The scalar loss in nats; zero when every weight is zero.</returns>
    public static Variable<T> BinaryCrossEntropyWithLogits<T>(this Tape<T> tape, Variable<T> logits, Tensor<T> target, ReadOnlySpan<T> mask = default)
        where T : unmanaged, IFloatingPointIeee754<T>
        => tape.Record<BinaryCrossEntropyWithLogitsNode<T>>().Forward(logits, target, mask);
}

/// <summary>
/// <c>L = Σᵢ wᵢ·(max(zᵢ, 0) − zᵢ·yᵢ + log(1 + e^(−|zᵢ|)))</c> with <c>wᵢ = mᵢ / Σm</c>; backward
/// <c>dzᵢ += dL · wᵢ·(σ(zᵢ) − yᵢ)</c>, the slope the forward pass saves.
/// </summary>
internal sealed class BinaryCrossEntropyWithLogitsNode<T> : Node<T> where T : unmanaged, IFloatingPointIeee754<T>
{
    private Variable<T> _logits = null!;
    private Variable<T>? _loss;
    private T[] _terms = [];
    private T[] _slope = [];

    public Variable<T> Forward(Variable<T> logits, Tensor<T> target, ReadOnlySpan<T> mask)
    {
        ArgumentNullException.ThrowIfNull(logits);
        ArgumentNullException.ThrowIfNull(target);
        if (!logits.Value.SameShape(target))
        {
            throw new ArgumentException($"target has shape {Tensor<T>.ShapeText(target.Shape)}; the logits have {Tensor<T>.ShapeText(logits.Shape)}.", nameof(target));
        }
        int n = logits.Value.Length;
        int features = MaskedMean.Features(logits.Shape);
        T total = MaskedMean.Total(mask, n, features);
        _logits = logits;
        if (_slope.Length < n)
        {
            _slope = new T[n];
            _terms = new T[n];
        }
        ReadOnlySpan<T> z = logits.Value.Span, y = target.Span;
        Span<T> terms = _terms.AsSpan(0, n), slope = _slope.AsSpan(0, n);

        // ℓ = log(1 + e^(−|z|)) + max(z, 0) − z·y, with slope as scratch for the last two terms.
        TensorPrimitives.Abs(z, terms);
        TensorPrimitives.Negate(terms, terms);
        TensorPrimitives.Exp(terms, terms);
        TensorPrimitives.LogP1(terms, terms);
        TensorPrimitives.Max(z, T.Zero, slope);
        TensorPrimitives.Add(terms, slope, terms);
        TensorPrimitives.Multiply(z, y, slope);
        TensorPrimitives.Subtract(terms, slope, terms);

        T scale = total > T.Zero ? T.One / total : T.Zero;
        T loss = scale * MaskedMean.WeightedSum<T>(terms, mask, features);
        TensorPrimitives.Sigmoid(z, slope);
        TensorPrimitives.Subtract(slope, y, slope); // ∂ℓ/∂z = σ(z) − y
        MaskedMean.Weigh(slope, mask, features, scale);

        var output = Output(ref _loss, logits.RequiresGrad, 0, 0, 0, 0, 0);
        output.Value[0] = loss;
        return output;
    }

    public override void Backward()
    {
        if (_loss!.Grad is not { } dl || !_logits.RequiresGrad) return;
        var dz = _logits.GradForAccumulation().Span;
        TensorPrimitives.MultiplyAdd(_slope.AsSpan(0, dz.Length), dl[0], dz, dz);
    }
}
