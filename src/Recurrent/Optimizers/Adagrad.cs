using System.Numerics;
using Recurrent.Autodiff;
using Recurrent.Tensors;

namespace Recurrent.Optimizers;

/// <summary>
/// Adagrad (Duchi, Hazan and Singer, 2011): each weight's gradient divided by the root of the sum of all its past
/// squared gradients, so rarely updated weights (embedding rows of rare symbols) keep larger steps. PyTorch's
/// <c>torch.optim.Adagrad</c>.
/// </summary>
/// <remarks>
/// For each parameter θ with gradient g, at its t-th update:
/// <code>
/// g ← g + λ·θ                        (if λ ≠ 0)
/// η̃ ← η / (1 + (t − 1)·δ)
/// S ← S + g ⊙ g                      (S starts at the initial accumulator value)
/// θ ← θ − η̃·g / (√S + ε)
/// </code>
/// δ learning-rate decay, λ weight decay (<see cref="AdagradOptions"/>). State: <c>sum</c> (S).
/// </remarks>
/// <typeparam name="T">Element type.</typeparam>
public sealed class Adagrad<T> : Optimizer<T> where T : unmanaged, IFloatingPointIeee754<T>
{
    private static readonly AdagradOptions Defaults = new();

    /// <summary>Creates the optimizer over named parameters (<see cref="Layers.Module{T}.NamedParameters"/>).</summary>
    /// <param name="parameters">The parameters, with the names their state is exported under.</param>
    /// <param name="options">Hyperparameters; null for PyTorch's defaults.</param>
    public Adagrad(IReadOnlyList<(string Name, Variable<T> Parameter)> parameters, AdagradOptions? options = null)
        : base(parameters, (options ?? Defaults).LearningRate, "sum")
    {
        Options = options ?? Defaults;
        Options.Validate();
    }

    /// <summary>Creates the optimizer over parameters named by position (<c>0</c>, <c>1</c>, …).</summary>
    /// <param name="parameters">The parameters.</param>
    /// <param name="options">Hyperparameters; null for PyTorch's defaults.</param>
    public Adagrad(IReadOnlyList<Variable<T>> parameters, AdagradOptions? options = null) : this(ByPosition(parameters), options) { }

    /// <summary>The hyperparameters (its learning rate is the initial one; see <see cref="Optimizer{T}.LearningRate"/>).</summary>
    public AdagradOptions Options { get; }

    /// <inheritdoc/>
    public override string Kind => "Adagrad";

    /// <inheritdoc/>
    protected override void InitializeState(Tensor<T>[] state) => state[0].Fill(Scalar(Options.InitialAccumulatorValue));

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
        Span<T> sum = state[0].Span, s = Scratch(1, g.Length);
        TensorPrimitives.MultiplyAdd(g, g, sum, sum); // S + g²
        TensorPrimitives.Sqrt(sum, s);
        TensorPrimitives.Add(s, Scalar(o.Epsilon), s);
        TensorPrimitives.Divide(g, s, s);
        double rate = LearningRate / (1 + (step - 1) * o.LearningRateDecay);
        TensorPrimitives.MultiplyAdd(s, Scalar(-rate), parameter, parameter);
    }
}
