using System.Numerics;
using Recurrent.Autodiff;
using Recurrent.Tensors;

namespace Recurrent.Optimizers;

/// <summary>
/// Adam (Kingma and Ba, 2015): each weight's step is its gradient's running mean over its running root mean square,
/// so every weight moves at a rate set by η whatever the scale of its gradient. PyTorch's <c>torch.optim.Adam</c>.
/// </summary>
/// <remarks>
/// For each parameter θ with gradient g, at its t-th update:
/// <code>
/// g ← g + λ·θ                              (L2 penalty, if λ ≠ 0; AdamW instead decays θ ← (1 − η·λ)·θ)
/// m ← β₁·m + (1 − β₁)·g                    (first moment)
/// v ← β₂·v + (1 − β₂)·g ⊙ g                (second moment)
/// v̂max ← max(v̂max, v)                      (AMSGrad only; v̂max replaces v below)
/// θ ← θ − (η / (1 − β₁ᵗ)) · m / (√v / √(1 − β₂ᵗ) + ε)
/// </code>
/// The divisions by 1 − βᵗ undo the bias of m and v towards their zero start; ε is added after the square root and
/// the bias correction, as PyTorch adds it. Options: <see cref="AdamOptions"/>. State: <c>exp_avg</c> (m),
/// <c>exp_avg_sq</c> (v), and <c>max_exp_avg_sq</c> (v̂max) with AMSGrad.
/// </remarks>
/// <typeparam name="T">Element type.</typeparam>
public class Adam<T> : Optimizer<T> where T : unmanaged, IFloatingPointIeee754<T>
{
    private static readonly AdamOptions Defaults = new();
    private readonly double _weightDecay;
    private readonly bool _decoupled;

    /// <summary>Creates the optimizer over named parameters (<see cref="Layers.Module{T}.NamedParameters"/>).</summary>
    /// <param name="parameters">The parameters, with the names their state is exported under.</param>
    /// <param name="options">Hyperparameters; null for PyTorch's defaults.</param>
    public Adam(IReadOnlyList<(string Name, Variable<T> Parameter)> parameters, AdamOptions? options = null)
        : this(parameters, options, decoupled: false) { }

    /// <summary>Creates the optimizer over parameters named by position (<c>0</c>, <c>1</c>, …).</summary>
    /// <param name="parameters">The parameters.</param>
    /// <param name="options">Hyperparameters; null for PyTorch's defaults.</param>
    public Adam(IReadOnlyList<Variable<T>> parameters, AdamOptions? options = null)
        : this(ByPosition(parameters), options, decoupled: false) { }

    /// <summary>The shared constructor of Adam and <see cref="AdamW{T}"/>.</summary>
    /// <param name="parameters">The parameters, with their names.</param>
    /// <param name="options">Hyperparameters; null for PyTorch's defaults.</param>
    /// <param name="decoupled">Decay the weights directly (AdamW) rather than through the gradient (Adam).</param>
    private protected Adam(IReadOnlyList<(string Name, Variable<T> Parameter)> parameters, AdamOptions? options, bool decoupled)
        : base(parameters, (options ?? Defaults).LearningRate, (options ?? Defaults).AmsGrad ? ["exp_avg", "exp_avg_sq", "max_exp_avg_sq"] : ["exp_avg", "exp_avg_sq"])
    {
        Options = options ?? Defaults;
        Options.Validate();
        _decoupled = decoupled;
        _weightDecay = Options.WeightDecay ?? (decoupled ? 0.01 : 0);
    }

    /// <summary>The hyperparameters (its learning rate is the initial one; see <see cref="Optimizer{T}.LearningRate"/>).</summary>
    public AdamOptions Options { get; }

    /// <summary>λ in effect: <see cref="AdamOptions.WeightDecay"/>, or this optimizer's default when that is null.</summary>
    public double WeightDecay => _weightDecay;

    /// <inheritdoc/>
    public override string Kind => "Adam";

    /// <inheritdoc/>
    protected sealed override void Update(Span<T> parameter, ReadOnlySpan<T> gradient, Tensor<T>[] state, long step)
    {
        var o = Options;
        double lr = LearningRate;
        ReadOnlySpan<T> g = gradient;
        if (_weightDecay != 0 && _decoupled)
        {
            TensorPrimitives.Multiply(parameter, Scalar(1 - lr * _weightDecay), parameter); // θ ← (1 − ηλ)·θ
        }
        else if (_weightDecay != 0)
        {
            var decayed = Scratch(0, g.Length);
            TensorPrimitives.MultiplyAdd(parameter, Scalar(_weightDecay), g, decayed); // g + λ·θ
            g = decayed;
        }
        Span<T> m = state[0].Span, v = state[1].Span, work = Scratch(1, g.Length);
        TensorPrimitives.Lerp(m, g, Scalar(1 - o.Beta1), m); // m + (1 − β₁)(g − m) = β₁·m + (1 − β₁)·g
        TensorPrimitives.Multiply(g, g, work);
        TensorPrimitives.Lerp(v, work, Scalar(1 - o.Beta2), v); // β₂·v + (1 − β₂)·g²
        if (o.AmsGrad)
        {
            Span<T> vMax = state[2].Span;
            TensorPrimitives.Max(vMax, v, vMax);
            v = vMax;
        }
        double correction1 = 1 - Math.Pow(o.Beta1, step);
        double correction2 = 1 - Math.Pow(o.Beta2, step);
        TensorPrimitives.Sqrt(v, work);
        TensorPrimitives.Divide(work, Scalar(Math.Sqrt(correction2)), work);
        TensorPrimitives.Add(work, Scalar(o.Epsilon), work); // √v̂ + ε
        TensorPrimitives.Divide(m, work, work);
        TensorPrimitives.MultiplyAdd(work, Scalar(-lr / correction1), parameter, parameter);
    }
}
