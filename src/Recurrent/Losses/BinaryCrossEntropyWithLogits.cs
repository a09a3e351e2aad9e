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
/// ℓᵢ = max(zᵢ, 0) − zᵢ·yᵢ + log(1 + e^(−|zᵢ|)), ∂ℓᵢ/∂zᵢ = σ(zᵢ) − yᵢ; the masked mean and the backward are
/// <see cref="ElementWiseLossNode{T}"/>'s.
/// </summary>
internal sealed class BinaryCrossEntropyWithLogitsNode<T> : ElementWiseLossNode<T> where T : unmanaged, IFloatingPointIeee754<T>
{
    protected override void Terms(ReadOnlySpan<T> z, ReadOnlySpan<T> y, Span<T> terms, Span<T> slope)
    {
        // log(1 + e^(−|z|)) + max(z, 0) − z·y, with slope as scratch for the last two terms.
        TensorPrimitives.Abs(z, terms);
        TensorPrimitives.Negate(terms, terms);
        TensorPrimitives.Exp(terms, terms);
        TensorPrimitives.LogP1(terms, terms);
        TensorPrimitives.Max(z, T.Zero, slope);
        TensorPrimitives.Add(terms, slope, terms);
        TensorPrimitives.Multiply(z, y, slope);
        TensorPrimitives.Subtract(terms, slope, terms);

        TensorPrimitives.Sigmoid(z, slope);
        TensorPrimitives.Subtract(slope, y, slope);
    }
}
