namespace Recurrent.Optimizers;

/// <summary>The hyperparameters of <see cref="Adagrad{T}"/>, with PyTorch's <c>torch.optim.Adagrad</c> defaults.</summary>
public sealed record AdagradOptions
{
    /// <summary>η. Default 1e-2.</summary>
    public double LearningRate { get; init; } = 1e-2;

    /// <summary>δ, the decay of the learning rate: the t-th update uses η / (1 + (t − 1)·δ). Default 0.</summary>
    public double LearningRateDecay { get; init; }

    /// <summary>λ, the L2 penalty: λ·θ is added to the gradient. Default 0.</summary>
    public double WeightDecay { get; init; }

    /// <summary>The starting value of every accumulated sum of squares. Default 0.</summary>
    public double InitialAccumulatorValue { get; init; }

    /// <summary>ε, added to the root of the sum. Default 1e-10.</summary>
    public double Epsilon { get; init; } = 1e-10;

    internal void Validate()
    {
        Check.NonNegative(LearningRate, nameof(LearningRate));
        Check.NonNegative(LearningRateDecay, nameof(LearningRateDecay));
        Check.NonNegative(WeightDecay, nameof(WeightDecay));
        Check.NonNegative(InitialAccumulatorValue, nameof(InitialAccumulatorValue));
        Check.NonNegative(Epsilon, nameof(Epsilon));
    }
}
