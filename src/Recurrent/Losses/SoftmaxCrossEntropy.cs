using System.Numerics;
using Recurrent.Autodiff;

namespace Recurrent.Losses;

public static partial class LossOps
{
    /// <summary>
    /// Mean softmax cross-entropy (log-softmax and negative log-likelihood fused, as numerically stable as PyTorch's
    /// <c>cross_entropy</c>): <c>L = Σₙ mₙ · −log softmax(zₙ)[tₙ] / Σₙ mₙ</c>.
    /// </summary>
    /// <typeparam name="T">Element type.</typeparam>
    /// <param name="tape">The tape that records the operation.</param>
    /// <param name="logits">Scores <c>z</c>, <c>(…, V)</c>; leading dimensions are flattened into N rows.</param>
    /// <param name="targets">The class of each row, in <c>[0, V)</c>; a negative target ignores its row.</param>
    /// <param name="mask">Optional weight <c>mₙ</c> of each row (0 masks a padded step out); all ones when empty.</param>
    /// <returns>The scalar loss in nats; zero when every row is masked.</returns>
    public static Variable<T> SoftmaxCrossEntropy<T>(this Tape<T> tape, Variable<T> logits, ReadOnlySpan<int> targets, ReadOnlySpan<T> mask = default)
        where T : unmanaged, IFloatingPointIeee754<T>
        => tape.Record<SoftmaxCrossEntropyNode<T>>().Forward(logits, targets, mask);
}

/// <summary>
/// <c>L = Σₙ wₙ·(logΣⱼ e^{zₙⱼ} − zₙₜ)</c> with <c>wₙ = mₙ / Σm</c>; backward <c>dzₙ += dL · wₙ · (softmax(zₙ) − onehot(tₙ))</c>,
/// from the probabilities saved by the forward pass.
/// </summary>
internal sealed class SoftmaxCrossEntropyNode<T> : Node<T> where T : unmanaged, IFloatingPointIeee754<T>
{
    private Variable<T> _z = null!, _loss = null!;
    private T[] _probs = [];
    private T[] _weights = [];
    private int[] _targets = [];
    private int _rows, _classes;

    public Variable<T> Forward(Variable<T> logits, ReadOnlySpan<int> targets, ReadOnlySpan<T> mask)
    {
        int v = logits.Value.Dim(-1);
        int rows = v == 0 ? 0 : logits.Value.Length / v;
        if (targets.Length != rows)
        {
            throw new ArgumentException($"targets has {targets.Length} entries; logits {logits.Value} has {rows} rows.", nameof(targets));
        }
        if (!mask.IsEmpty && mask.Length != rows)
        {
            throw new ArgumentException($"mask has {mask.Length} entries; expected {rows}, one per row.", nameof(mask));
        }
        (_z, _rows, _classes) = (logits, rows, v);
        if (_probs.Length < rows * v) _probs = new T[rows * v];
        if (_weights.Length < rows) _weights = new T[rows];
        if (_targets.Length < rows) _targets = new int[rows];

        T total = T.Zero;
        for (int n = 0; n < rows; n++)
        {
            int t = targets[n];
            if (t >= v) throw new ArgumentOutOfRangeException(nameof(targets), $"target {t} at row {n} is outside [0, {v}).");
            _targets[n] = t;
            _weights[n] = t < 0 ? T.Zero : mask.IsEmpty ? T.One : mask[n];
            total += _weights[n];
        }
        T scale = total > T.Zero ? T.One / total : T.Zero;

        ReadOnlySpan<T> z = logits.Value.Span;
        T loss = T.Zero;
        for (int n = 0; n < rows; n++)
        {
            _weights[n] *= scale;
            var zn = z.Slice(n * v, v);
            var pn = _probs.AsSpan(n * v, v);
            T max = TensorPrimitives.Max(zn);
            TensorPrimitives.Subtract(zn, max, pn);
            TensorPrimitives.Exp(pn, pn);
            T sum = TensorPrimitives.Sum<T>(pn);
            TensorPrimitives.Divide(pn, sum, pn);
            if (_weights[n] != T.Zero) loss += _weights[n] * (T.Log(sum) + max - zn[_targets[n]]);
        }
        _loss = Output(ref _lossSlot, logits.RequiresGrad, 0, 0, 0, 0, 0);
        _loss.Value[0] = loss;
        return _loss;
    }

    private Variable<T>? _lossSlot;

    public override void Backward()
    {
        if (_loss.Grad is not { } dl || !_z.RequiresGrad) return;
        T g = dl[0];
        Span<T> dz = _z.GradForAccumulation().Span;
        int v = _classes;
        for (int n = 0; n < _rows; n++)
        {
            T w = _weights[n] * g;
            if (w == T.Zero) continue;
            var d = dz.Slice(n * v, v);
            TensorPrimitives.MultiplyAdd(_probs.AsSpan(n * v, v), w, d, d);
            d[_targets[n]] -= w;
        }
    }
}
