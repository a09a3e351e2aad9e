using System.Numerics;
using Recurrent.Autodiff;

namespace Recurrent.Optimizers;

/// <summary>
/// AdamW (Loshchilov and Hutter, 2019): <see cref="Adam{T}"/> with decoupled weight decay, PyTorch's
/// <c>torch.optim.AdamW</c>. The weights shrink by η·λ before the Adam step, <c>θ ← (1 − η·λ)·θ</c>, instead of λ·θ being
/// added to the gradient, where Adam's per-weight scaling would weaken the decay of weights with large gradients.
/// </summary>
/// <remarks>
/// The update is Adam's with λ = 0 after the decay; λ defaults to 0.01 (<see cref="AdamOptions.WeightDecay"/> null), as in
/// PyTorch. State: <c>exp_avg</c>, <c>exp_avg_sq</c> (and <c>max_exp_avg_sq</c> with AMSGrad).
/// </remarks>
/// <typeparam name="T">Element type.</typeparam>
public sealed class AdamW<T> : Adam<T> where T : unmanaged, IFloatingPointIeee754<T>
{
    /// <summary>Creates the optimizer over named parameters (<see cref="Layers.Module{T}.NamedParameters"/>).</summary>
    /// <param name="parameters">The parameters, with the names their state is exported under.</param>
    /// <param name="options">Hyperparameters; null for PyTorch's defaults (λ = 0.01).</param>
    public AdamW(IReadOnlyList<(string Name, Variable<T> Parameter)> parameters, AdamOptions? options = null)
        : base(parameters, options, decoupled: true) { }

    /// <summary>Creates the optimizer over parameters named by position (<c>0</c>, <c>1</c>, …).</summary>
    /// <param name="parameters">The parameters.</param>
    /// <param name="options">Hyperparameters; null for PyTorch's defaults (λ = 0.01).</param>
    public AdamW(IReadOnlyList<Variable<T>> parameters, AdamOptions? options = null)
        : base(ByPosition(parameters), options, decoupled: true) { }

    /// <inheritdoc/>
    public override string Kind => "AdamW";
}
