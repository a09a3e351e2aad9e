using System.Numerics;
using Recurrent.Autodiff;
using Recurrent.Tensors;

namespace Recurrent.Losses;

/// <summary>
/// The losses a tape records, as extension methods of <see cref="Tape{T}"/>: one loss per file under <c>Losses</c>,
/// its forward and backward side by side. Each returns a scalar to pass to <see cref="Tape{T}.Backward(Variable{T})"/>.
/// The classifier's loss, softmax cross-entropy, is the primitive <see cref="Ops.SoftmaxCrossEntropy{T}"/>.
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

/// <summary>
/// <c>L = Σᵢ wᵢ·(ŷᵢ − yᵢ)²</c> with <c>wᵢ = mᵢ / Σm</c>; backward <c>dŷᵢ += dL · 2wᵢ·(ŷᵢ − yᵢ)</c>, the slope the forward
/// pass saves.
/// </summary>
internal sealed class MeanSquaredErrorNode<T> : Node<T> where T : unmanaged, IFloatingPointIeee754<T>
{
    private Variable<T> _prediction = null!;
    private Variable<T>? _loss;
    private T[] _squares = [];
    private T[] _slope = [];

    public Variable<T> Forward(Variable<T> prediction, Tensor<T> target, ReadOnlySpan<T> mask)
    {
        ArgumentNullException.ThrowIfNull(prediction);
        ArgumentNullException.ThrowIfNull(target);
        if (!prediction.Value.SameShape(target))
        {
            throw new ArgumentException($"target has shape {Tensor<T>.ShapeText(target.Shape)}; the prediction has {Tensor<T>.ShapeText(prediction.Shape)}.", nameof(target));
        }
        int n = prediction.Value.Length;
        int features = MaskedMean.Features(prediction.Shape);
        T total = MaskedMean.Total(mask, n, features);
        _prediction = prediction;
        if (_slope.Length < n)
        {
            _slope = new T[n];
            _squares = new T[n];
        }
        Span<T> r = _slope.AsSpan(0, n), r2 = _squares.AsSpan(0, n);

        TensorPrimitives.Subtract(prediction.Value.Span, target.Span, r); // r = ŷ − y
        TensorPrimitives.Multiply(r, r, r2);
        T scale = total > T.Zero ? T.One / total : T.Zero;
        T loss = scale * MaskedMean.WeightedSum<T>(r2, mask, features);
        MaskedMean.Weigh(r, mask, features, (T.One + T.One) * scale); // ∂L/∂ŷ = 2w ⊙ r

        var y = Output(ref _loss, prediction.RequiresGrad, 0, 0, 0, 0, 0);
        y.Value[0] = loss;
        return y;
    }

    public override void Backward()
    {
        if (_loss!.Grad is not { } dl || !_prediction.RequiresGrad) return;
        var dx = _prediction.GradForAccumulation().Span;
        TensorPrimitives.MultiplyAdd(_slope.AsSpan(0, dx.Length), dl[0], dx, dx);
    }
}
