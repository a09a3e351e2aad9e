namespace Recurrent.Optimizers;

/// <summary>The hyperparameters of <see cref="RmsProp{T}"/>, with PyTorch's <c>torch.optim.RMSprop</c> defaults.</summary>
public sealed record RmsPropOptions
{
    /// <summary>η. Default 1e-2.</summary>
    public double LearningRate { get; init; } = 1e-2;

    /// <summary>α, the decay of the running mean square v. Default 0.99.</summary>
    public double Alpha { get; init; } = 0.99;

    /// <summary>ε, added to the root mean square. Default 1e-8.</summary>
    public double Epsilon { get; init; } = 1e-8;

    /// <summary>λ, the L2 penalty: λ·θ is added to the gradient. Default 0.</summary>
    public double WeightDecay { get; init; }

    /// <summary>μ, momentum on the normalised step; 0 (the default) steps directly.</summary>
    public double Momentum { get; init; }

    /// <summary>Normalise by the gradient's estimated standard deviation (v − ḡ²) instead of its root mean square (Graves, 2013).</summary>
    public bool Centered { get; init; }

    internal void Validate()
    {
        Check.NonNegative(LearningRate, nameof(LearningRate));
        Check.Decay(Alpha, nameof(Alpha));
        Check.NonNegative(Epsilon, nameof(Epsilon));
        Check.NonNegative(WeightDecay, nameof(WeightDecay));
        Check.NonNegative(Momentum, nameof(Momentum));
    }
}
