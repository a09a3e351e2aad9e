using System.Numerics;
using Recurrent.Autodiff;
using Recurrent.Tensors;

namespace Recurrent.Losses;

/// <summary>
/// The losses a tape records, as extension methods of <see cref="Tape{T}"/>: one loss per file under <c>Losses</c>,
/// each element's loss ℓᵢ beside its derivative, reduced and back-propagated by one shared node. Each returns a scalar to pass to <see cref="Tape{T}.Backward(Variable{T})"/>.
/// The classifier's loss is <see cref="SoftmaxCrossEntropy{T}"/>.
/// </summary>
public static partial class LossOps
{
    /// <summary>
    /// Mean squared error over the elements that count: <c>L = Σᵢ mᵢ·(ŷᵢ − yᵢ)² / Σᵢ mᵢ</c>, PyTorch's <c>mse_loss</c>
    /// (<c>reduction='mean'</c>) when there is no mask. The regression loss of the N–N and N–1 tasks.
    /// </summary>
    /// <typeparam name="T">Element type.</typeparam>
    /// <param name="tape">The tape that records the operation.</param>
    /// <param name="prediction">ŷ, <c>(…, F)</c>; its leading dimensions are flattened into N rows of F features.</param>
    /// <param name="target">y, the same shape; data, so no gradient flows to it.</param>
    /// <param name="mask">
    /// Empty: every element counts. N entries: the weight mₙ of each row, shared by its F features (0 masks a padded
    /// step out). One entry per element: the weight of each element.
    /// </param>
    /// <returns>The scalar loss; zero when every weight is zero.</returns>
    public static Variable<T> MeanSquaredError<T>(this Tape<T> tape, Variable<T> prediction, Tensor<T> target, ReadOnlySpan<T> mask = default)
        where T : unmanaged, IFloatingPointIeee754<T>
        => tape.Record<MeanSquaredErrorNode<T>>().Forward(prediction, target, mask);
}

/// <summary>ℓᵢ = (ŷᵢ − yᵢ)², ∂ℓᵢ/∂ŷᵢ = 2(ŷᵢ − yᵢ); the masked mean and the backward are <see cref="ElementWiseLossNode{T}"/>'s.</summary>
internal sealed class MeanSquaredErrorNode<T> : ElementWiseLossNode<T> where T : unmanaged, IFloatingPointIeee754<T>
{
    protected override void Terms(ReadOnlySpan<T> x, ReadOnlySpan<T> y, Span<T> terms, Span<T> slope)
    {
        TensorPrimitives.Subtract(x, y, slope); // r = ŷ − y
        TensorPrimitives.Multiply(slope, slope, terms);
        TensorPrimitives.Multiply(slope, T.One + T.One, slope);
    }
}
