using System.Numerics;
using Recurrent.Autodiff;
using Recurrent.Tensors;

namespace Recurrent.Optimizers;

/// <summary>
/// RMSprop (Hinton's lecture 6e, 2012; centred form from Graves, 2013): each weight's gradient divided by its running
/// root mean square. PyTorch's <c>torch.optim.RMSprop</c>; the optimizer of Graves's handwriting and speech LSTMs.
/// </summary>
/// <remarks>
/// For each parameter θ with gradient g:
/// <code>
/// g ← g + λ·θ                            (if λ ≠ 0)
/// v ← α·v + (1 − α)·g ⊙ g                (running mean square)
/// ḡ ← α·ḡ + (1 − α)·g                    (centred only: running mean)
/// s ← √v + ε,   or  √(v − ḡ ⊙ ḡ) + ε if centred
/// b ← μ·b + g / s,   θ ← θ − η·b        (if μ &gt; 0)
/// θ ← θ − η·g / s                        (otherwise)
/// </code>
/// α smoothing, ε, λ weight decay, μ momentum (<see cref="RmsPropOptions"/>). There is no bias correction: v starts at
/// zero, as in PyTorch. State: <c>square_avg</c> (v), <c>momentum_buffer</c> (b, if μ &gt; 0), <c>grad_avg</c> (ḡ, if
/// centred).
/// </remarks>
/// <typeparam name="T">Element type.</typeparam>
public sealed class RmsProp<T> : Optimizer<T> where T : unmanaged, IFloatingPointIeee754<T>
{
    private static readonly RmsPropOptions Defaults = new();
    private readonly int _momentumSlot, _meanSlot;

    /// <summary>Creates the optimizer over named parameters (<see cref="Layers.Module{T}.NamedParameters"/>).</summary>
    /// <param name="parameters">The parameters, with the names their state is exported under.</param>
    /// <param name="options">Hyperparameters; null for PyTorch's defaults.</param>
    public RmsProp(IReadOnlyList<(string Name, Variable<T> Parameter)> parameters, RmsPropOptions? options = null)
        : base(parameters, (options ?? Defaults).LearningRate, StateNames(options ?? Defaults))
    {
        Options = options ?? Defaults;
        Options.Validate();
        _momentumSlot = Options.Momentum > 0 ? 1 : -1;
        _meanSlot = Options.Centered ? (Options.Momentum > 0 ? 2 : 1) : -1;
    }

    /// <summary>Creates the optimizer over parameters named by position (<c>0</c>, <c>1</c>, …).</summary>
    /// <param name="parameters">The parameters.</param>
    /// <param name="options">Hyperparameters; null for PyTorch's defaults.</param>
    public RmsProp(IReadOnlyList<Variable<T>> parameters, RmsPropOptions? options = null) : this(ByPosition(parameters), options) { }

    /// <summary>The hyperparameters (its learning rate is the initial one; see <see cref="Optimizer{T}.LearningRate"/>).</summary>
    public RmsPropOptions Options { get; }

    /// <inheritdoc/>
    public override string Kind => "RMSprop";

    /// <inheritdoc/>
    protected override void Update(Span<T> parameter, ReadOnlySpan<T> gradient, Tensor<T>[] state, long step)
    {
        var o = Options;
        ReadOnlySpan<T> g = gradient;
        if (o.WeightDecay != 0)
        {
            var decayed = Scratch(0, g.Length);
            TensorPrimitives.MultiplyAdd(parameter, Scalar(o.WeightDecay), g, decayed); // g + λ·θ
            g = decayed;
        }
        Span<T> v = state[0].Span, s = Scratch(1, g.Length);
        T rate = Scalar(1 - o.Alpha);
        TensorPrimitives.Multiply(g, g, s);
        TensorPrimitives.Lerp(v, s, rate, v); // α·v + (1 − α)·g²
        if (_meanSlot >= 0)
        {
            Span<T> mean = state[_meanSlot].Span;
            TensorPrimitives.Lerp(mean, g, rate, mean); // α·ḡ + (1 − α)·g
            TensorPrimitives.Multiply(mean, mean, s);
            TensorPrimitives.Subtract(v, s, s);
            TensorPrimitives.Sqrt(s, s);
        }
        else TensorPrimitives.Sqrt(v, s);
        TensorPrimitives.Add(s, Scalar(o.Epsilon), s);
        TensorPrimitives.Divide(g, s, s); // g / s
        if (_momentumSlot >= 0)
        {
            Span<T> b = state[_momentumSlot].Span;
            TensorPrimitives.MultiplyAdd(b, Scalar(o.Momentum), s, b); // μ·b + g / s
            s = b;
        }
        TensorPrimitives.MultiplyAdd(s, Scalar(-LearningRate), parameter, parameter);
    }

    private static string[] StateNames(RmsPropOptions options)
    {
        var names = new List<string> { "square_avg" };
        if (options.Momentum > 0) names.Add("momentum_buffer");
        if (options.Centered) names.Add("grad_avg");
        return [.. names];
    }
}
