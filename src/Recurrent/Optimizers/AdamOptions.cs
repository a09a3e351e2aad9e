namespace Recurrent.Optimizers;

/// <summary>
/// The hyperparameters of <see cref="Adam{T}"/> and <see cref="AdamW{T}"/>, with PyTorch's <c>torch.optim.Adam</c> /
/// <c>AdamW</c> defaults.
/// </summary>
public sealed record AdamOptions
{
    /// <summary>η. Default 1e-3.</summary>
    public double LearningRate { get; init; } = 1e-3;

    /// <summary>β₁, the decay of the first-moment (mean) estimate m. Default 0.9.</summary>
    public double Beta1 { get; init; } = 0.9;

    /// <summary>β₂, the decay of the second-moment (uncentred variance) estimate v. Default 0.999.</summary>
    public double Beta2 { get; init; } = 0.999;

    /// <summary>ε, added to √v̂ so the step stays bounded where v̂ ≈ 0. Default 1e-8.</summary>
    public double Epsilon { get; init; } = 1e-8;

    /// <summary>
    /// λ. Adam adds λ·θ to the gradient (L2 penalty); AdamW shrinks θ by η·λ directly (decoupled decay). Null takes
    /// the optimizer's PyTorch default: 0 for Adam, 0.01 for AdamW.
    /// </summary>
    public double? WeightDecay { get; init; }

    /// <summary>AMSGrad (Reddi et al., 2018): divide by the running maximum of v̂ instead of v̂. Default false.</summary>
    public bool AmsGrad { get; init; }

    internal void Validate()
    {
        Check.NonNegative(LearningRate, nameof(LearningRate));
        Check.Decay(Beta1, nameof(Beta1));
        Check.Decay(Beta2, nameof(Beta2));
        Check.NonNegative(Epsilon, nameof(Epsilon));
        if (WeightDecay is { } decay) Check.NonNegative(decay, nameof(WeightDecay));
    }
}
