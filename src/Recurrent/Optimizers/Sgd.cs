using System.Numerics;
using Recurrent.Autodiff;
using Recurrent.Tensors;

namespace Recurrent.Optimizers;

/// <summary>
/// Stochastic gradient descent with optional momentum, Nesterov momentum and L2 weight decay: PyTorch's
/// <c>torch.optim.SGD</c>, the optimizer of the classic recurrent-network papers.
/// </summary>
/// <remarks>
/// For each parameter θ with gradient g, at its t-th update:
/// <code>
/// g ← g + λ·θ                                  (if λ ≠ 0)
/// b ← g                       if t = 1         (if μ ≠ 0: the momentum buffer)
/// b ← μ·b + (1 − τ)·g         if t &gt; 1
/// g ← g + μ·b  (Nesterov)   or   g ← b
/// θ ← θ − η·g
/// </code>
/// η learning rate, μ momentum, τ dampening, λ weight decay (<see cref="SgdOptions"/>). State: <c>momentum_buffer</c>
/// (b), only when μ ≠ 0. As in PyTorch, the buffer starts at the first gradient, undamped, and "Nesterov" is the
/// reformulation of Sutskever et al. (2013) that evaluates no gradient at a look-ahead point.
/// </remarks>
/// <typeparam name="T">Element type.</typeparam>
public sealed class Sgd<T> : Optimizer<T> where T : unmanaged, IFloatingPointIeee754<T>
{
    private static readonly SgdOptions Defaults = new();

    /// <summary>Creates the optimizer over named parameters (<see cref="Layers.Module{T}.NamedParameters"/>).</summary>
    /// <param name="parameters">The parameters, with the names their state is exported under.</param>
    /// <param name="options">Hyperparameters; null for PyTorch's defaults.</param>
    public Sgd(IReadOnlyList<(string Name, Variable<T> Parameter)> parameters, SgdOptions? options = null)
        : base(parameters, (options ?? Defaults).LearningRate, (options ?? Defaults).Momentum != 0 ? ["momentum_buffer"] : [])
    {
        Options = options ?? Defaults;
        Options.Validate();
    }

    /// <summary>Creates the optimizer over parameters named by position (<c>0</c>, <c>1</c>, …).</summary>
    /// <param name="parameters">The parameters.</param>
    /// <param name="options">Hyperparameters; null for PyTorch's defaults.</param>
    public Sgd(IReadOnlyList<Variable<T>> parameters, SgdOptions? options = null) : this(ByPosition(parameters), options) { }

    /// <summary>The hyperparameters (its learning rate is the initial one; see <see cref="Optimizer{T}.LearningRate"/>).</summary>
    public SgdOptions Options { get; }

    /// <inheritdoc/>
    public override string Kind => "SGD";

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
        if (o.Momentum != 0)
        {
            Span<T> b = state[0].Span;
            T mu = Scalar(o.Momentum);
            if (step == 1) g.CopyTo(b);
            else if (o.Dampening == 0) TensorPrimitives.MultiplyAdd(b, mu, g, b); // μ·b + g
            else
            {
                TensorPrimitives.Multiply(b, mu, b);
                TensorPrimitives.MultiplyAdd(g, Scalar(1 - o.Dampening), b, b); // μ·b + (1 − τ)·g
            }
            if (o.Nesterov)
            {
                var look = Scratch(0, g.Length);
                TensorPrimitives.MultiplyAdd(b, mu, g, look); // g + μ·b
                g = look;
            }
            else g = b;
        }
        TensorPrimitives.MultiplyAdd(g, Scalar(-LearningRate), parameter, parameter);
    }
}
