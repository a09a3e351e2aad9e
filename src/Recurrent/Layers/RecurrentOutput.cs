using System.Numerics;
using Recurrent.Autodiff;

namespace Recurrent.Layers;

/// <summary>What a <see cref="RecurrentLayer{T}"/> returns.</summary>
/// <typeparam name="T">Element type.</typeparam>
/// <param name="Output">The last layer's output at every step, <c>(B, T, D·O)</c> (or <c>(T, B, D·O)</c>); zero at padded steps.</param>
/// <param name="FinalState">
/// Each state tensor after each sequence's last step, <c>(L·D, B, size)</c>, entry <c>k·D + d</c> for layer k and
/// direction d: PyTorch's <c>h_n</c> (and <c>c_n</c> for LSTM). The reverse direction's is its state after t = 0.
/// </param>
public sealed record RecurrentOutput<T>(Variable<T> Output, Variable<T>[] FinalState) where T : unmanaged, IFloatingPointIeee754<T>;
