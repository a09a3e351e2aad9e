using System.Numerics;

namespace Recurrent.Autodiff;

/// <summary>The element-wise non-linearities φ a cell or layer can apply.</summary>
public enum Activation
{
    /// <summary>The hyperbolic tangent, PyTorch's default for <c>nn.RNN</c>.</summary>
    Tanh,

    /// <summary>The logistic sigmoid σ, the lecture's choice in <c>h = σ(W_h·[h, x] + b_h)</c>.</summary>
    Sigmoid,

    /// <summary>The rectifier max(0, x).</summary>
    Relu,

    /// <summary>No non-linearity (a linear output layer).</summary>
    Identity,
}

public static partial class Ops
{
    /// <summary>Applies <paramref name="activation"/> element-wise (the identity returns <paramref name="x"/> itself).</summary>
    /// <typeparam name="T">Element type.</typeparam>
    /// <param name="tape">The tape that records the operation.</param>
    /// <param name="x">Input.</param>
    /// <param name="activation">The non-linearity.</param>
    /// <returns>The activation.</returns>
    public static Variable<T> Activate<T>(this Tape<T> tape, Variable<T> x, Activation activation)
        where T : unmanaged, IFloatingPointIeee754<T> => activation switch
        {
            Activation.Tanh => tape.Tanh(x),
            Activation.Sigmoid => tape.Sigmoid(x),
            Activation.Relu => tape.Relu(x),
            Activation.Identity => x,
            _ => throw new ArgumentOutOfRangeException(nameof(activation), $"unknown activation {activation}."),
        };

    /// <summary>
    /// An affine map <c>y = x·Wᵀ + b</c> with a PyTorch-layout weight <c>W (N, K)</c>; <paramref name="bias"/> may be null.
    /// </summary>
    /// <typeparam name="T">Element type.</typeparam>
    /// <param name="tape">The tape that records the operation.</param>
    /// <param name="x">Input, <c>(…, K)</c>.</param>
    /// <param name="weight">Weight, <c>(N, K)</c>.</param>
    /// <param name="bias">Bias, <c>(N)</c>, or null.</param>
    /// <returns><c>(…, N)</c>.</returns>
    public static Variable<T> Affine<T>(this Tape<T> tape, Variable<T> x, Variable<T> weight, Variable<T>? bias)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        var y = tape.MatMul(x, weight, transposeB: true);
        return bias is null ? y : tape.AddBias(y, bias);
    }
}
