using System.Numerics;
using Recurrent.Tensors;

namespace Recurrent.Autodiff;

/// <summary>
/// A tensor taking part in a differentiable computation: its <see cref="Value"/>, and the gradient of the loss with
/// respect to it, <see cref="Grad"/>, once a <see cref="Tape{T}.Backward(Variable{T})"/> has reached it.
/// </summary>
/// <remarks>
/// Parameters (weights) are variables created with <c>requiresGrad: true</c>; their gradients accumulate over
/// backward passes until <see cref="ZeroGrad"/>, as in PyTorch. Intermediate results are variables that the tape's
/// operations create, and reuse from one step to the next so that a warm training step allocates nothing.
/// </remarks>
/// <typeparam name="T">Element type: float for work, double for gradient checks.</typeparam>
public sealed class Variable<T> where T : unmanaged, IFloatingPointIeee754<T>
{
    private Tensor<T>? _grad;
    private bool _hasGrad;

    /// <summary>Wraps <paramref name="value"/> (not copied).</summary>
    /// <param name="value">The tensor.</param>
    /// <param name="requiresGrad">Whether a backward pass computes this variable's gradient.</param>
    /// <param name="name">An optional name (a parameter's PyTorch name, such as <c>weight_ih_l0</c>).</param>
    public Variable(Tensor<T> value, bool requiresGrad = false, string? name = null)
    {
        Value = value ?? throw new ArgumentNullException(nameof(value));
        RequiresGrad = requiresGrad;
        Name = name;
    }

    /// <summary>The current value.</summary>
    public Tensor<T> Value { get; internal set; }

    /// <summary>The gradient of the last loss back-propagated, or null if none has reached this variable since <see cref="ZeroGrad"/>.</summary>
    public Tensor<T>? Grad => _hasGrad ? _grad : null;

    /// <summary>Whether backward passes compute this variable's gradient.</summary>
    public bool RequiresGrad { get; set; }

    /// <summary>A name for messages and checkpoints, or null.</summary>
    public string? Name { get; set; }

    /// <summary>The shape of <see cref="Value"/>.</summary>
    public ReadOnlySpan<int> Shape => Value.Shape;

    /// <summary>Forgets the gradient; the next backward pass starts it from zero. Costs nothing until then.</summary>
    public void ZeroGrad() => _hasGrad = false;

    /// <summary>
    /// The gradient tensor to add into, zeroed first if no gradient has reached this variable yet. Backward passes call this.
    /// </summary>
    /// <returns>A tensor of the same shape as <see cref="Value"/>.</returns>
    public Tensor<T> GradForAccumulation()
    {
        if (!_hasGrad)
        {
            if (_grad is null || !_grad.SameShape(Value)) _grad = new Tensor<T>(Value.Shape.ToArray());
            else _grad.Clear();
            _hasGrad = true;
        }
        return _grad!;
    }

    /// <inheritdoc/>
    public override string ToString() => $"Variable {Name ?? "(unnamed)"} {Tensor<T>.ShapeText(Value.Shape)}";
}
