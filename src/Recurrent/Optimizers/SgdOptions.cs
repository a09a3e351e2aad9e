namespace Recurrent.Optimizers;

/// <summary>The hyperparameters of <see cref="Sgd{T}"/>, with PyTorch's <c>torch.optim.SGD</c> defaults.</summary>
public sealed record SgdOptions
{
    /// <summary>η. Default 1e-3.</summary>
    public double LearningRate { get; init; } = 1e-3;

    /// <summary>μ, the momentum factor; 0 (the default) is plain gradient descent.</summary>
    public double Momentum { get; init; }

    /// <summary>τ, the dampening of the momentum: new gradients enter the buffer scaled by 1 − τ. Default 0.</summary>
    public double Dampening { get; init; }

    /// <summary>λ, the L2 penalty: λ·θ is added to the gradient. Default 0.</summary>
    public double WeightDecay { get; init; }

    /// <summary>Nesterov momentum (Sutskever et al., 2013): step along g + μ·b instead of b. Needs μ &gt; 0 and τ = 0.</summary>
    public bool Nesterov { get; init; }

    internal void Validate()
    {
        Check.NonNegative(LearningRate, nameof(LearningRate));
        Check.NonNegative(Momentum, nameof(Momentum));
        Check.NonNegative(WeightDecay, nameof(WeightDecay));
        if (!(Dampening is >= 0 and <= 1)) throw new ArgumentOutOfRangeException(nameof(Dampening), $"Dampening must be in [0, 1]; got {Dampening}.");
        if (Nesterov && (Momentum <= 0 || Dampening != 0))
        {
            throw new ArgumentException($"Nesterov momentum needs Momentum > 0 and Dampening = 0; got Momentum = {Momentum}, Dampening = {Dampening}.", nameof(Nesterov));
        }
    }
}
