using System.Numerics;
using Recurrent.Autodiff;
using Recurrent.Layers;
using Recurrent.Tensors;

namespace Recurrent.Models;

/// <summary>
/// Global attention with the "general" score (Luong, Pham and Manning, "Effective approaches to attention-based neural
/// machine translation", 2015): at every decoder step the decoder's output looks at all encoder outputs and mixes them
/// into a context vector:
/// <code>
/// s[t, j] = h[t]ᵀ·W_a·h̄[j]                          (score of source step j for decoder step t)
/// α[t, j] = e^{s[t, j]} / Σ_{i &lt; len} e^{s[t, i]}    (padded source steps get no weight)
/// c[t] = Σ_j α[t, j]·h̄[j]
/// h̃[t] = tanh(W_c·[c[t], h[t]] + b_c)                (what the output layer reads instead of h[t])
/// </code>
/// </summary>
/// <remarks>
/// Shapes: decoder outputs h (B, T_y, H), encoder outputs h̄ (B, T_x, H), W_a = <c>weight</c> (H, H), W_c =
/// <c>combine.weight</c> (H, 2H), b_c = <c>combine.bias</c> (H). Without input feeding, the decoder's recurrence does
/// not read h̃, so teacher-forced training runs the decoder over all steps at once (fused kernels) and attends for all
/// steps with two batched products. Bahdanau's additive attention would put c inside the recurrence instead.
/// </remarks>
/// <typeparam name="T">Element type.</typeparam>
public sealed class LuongAttention<T> : Module<T> where T : unmanaged, IFloatingPointIeee754<T>
{
    /// <summary>Creates the attention with freshly initialised weights.</summary>
    /// <param name="size">H, the size of encoder and decoder outputs.</param>
    /// <param name="rng">The initialisation's random source.</param>
    public LuongAttention(int size, Rng rng)
    {
        if (size < 1) throw new ArgumentOutOfRangeException(nameof(size), $"size is {size}; expected a positive number of features.");
        Size = size;
        double bound = 1 / Math.Sqrt(size);
        Weight = RegisterParameter("weight", new Variable<T>(Tensor.Uniform<T>(rng, -bound, bound, size, size), requiresGrad: true));
        Combine = RegisterModule("combine", new Linear<T>(2 * size, size, rng));
    }

    /// <summary>H.</summary>
    public int Size { get; }

    /// <summary>W_a, <c>weight</c> (H, H).</summary>
    public Variable<T> Weight { get; }

    /// <summary>W_c and b_c.</summary>
    public Linear<T> Combine { get; }

    /// <summary>The keys <c>k[j] = W_a·h̄[j]</c> of every source step, <c>(B, T_x, H)</c>, so that <c>s[t, j] = h[t]·k[j]</c>.</summary>
    /// <param name="tape">The tape.</param>
    /// <param name="encoderOutputs">h̄, <c>(B, T_x, H)</c>.</param>
    /// <returns>The keys.</returns>
    public Variable<T> Keys(Tape<T> tape, Variable<T> encoderOutputs) => tape.MatMul(encoderOutputs, Weight, transposeB: true);

    /// <summary>h̃ for every decoder step, <c>(B, T_y, H)</c>.</summary>
    /// <param name="tape">The tape.</param>
    /// <param name="decoderOutputs">h, <c>(B, T_y, H)</c>.</param>
    /// <param name="encoderOutputs">h̄, <c>(B, T_x, H)</c>.</param>
    /// <param name="sourceLengths">Each source's length in <c>[1, T_x]</c>; empty when all have length T_x.</param>
    /// <returns>The attentional hidden states.</returns>
    public Variable<T> Forward(Tape<T> tape, Variable<T> decoderOutputs, Variable<T> encoderOutputs, ReadOnlySpan<int> sourceLengths = default)
    {
        ArgumentNullException.ThrowIfNull(tape);
        var scores = tape.BatchedMatMul(decoderOutputs, Keys(tape, encoderOutputs), transposeB: true); // (B, T_y, T_x)
        var weights = tape.MaskedSoftmax(scores, sourceLengths);
        var context = tape.BatchedMatMul(weights, encoderOutputs);                                       // (B, T_y, H)
        return tape.Tanh(Combine.Forward(tape, tape.Concat(context, decoderOutputs)));
    }

    /// <summary>Inference for one decoder step of one row: h̃ from h, the row's keys and encoder outputs.</summary>
    /// <param name="h">The decoder output h[t], H values.</param>
    /// <param name="keys">The row's keys, <c>(T_x, H)</c>.</param>
    /// <param name="encoderOutputs">The row's h̄, <c>(T_x, H)</c>.</param>
    /// <param name="length">The row's source length.</param>
    /// <param name="scratch">At least <c>T_x + 2H</c> values of workspace.</param>
    /// <param name="result">Receives h̃, H values.</param>
    internal void Step(ReadOnlySpan<T> h, ReadOnlySpan<T> keys, ReadOnlySpan<T> encoderOutputs, int length, Span<T> scratch, Span<T> result)
    {
        int size = Size;
        var alpha = scratch[..length];
        for (int j = 0; j < length; j++) alpha[j] = TensorPrimitives.Dot(h, keys.Slice(j * size, size));
        TensorPrimitives.Subtract(alpha, TensorPrimitives.Max(alpha), alpha);
        TensorPrimitives.Exp(alpha, alpha);
        TensorPrimitives.Divide(alpha, TensorPrimitives.Sum<T>(alpha), alpha);
        var joined = scratch.Slice(length, 2 * size);
        var context = joined[..size];
        context.Clear();
        for (int j = 0; j < length; j++) TensorPrimitives.MultiplyAdd(encoderOutputs.Slice(j * size, size), alpha[j], context, context);
        h.CopyTo(joined[size..]);
        Combine.Apply(joined, result);
        TensorPrimitives.Tanh(result, result);
    }
}
