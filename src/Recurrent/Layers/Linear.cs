using System.Numerics;
using Recurrent.Autodiff;
using Recurrent.Tensors;

namespace Recurrent.Layers;

/// <summary>
/// A fully connected layer <c>y = x·Wᵀ + b</c> (PyTorch's <c>nn.Linear</c>): the lecture's output layer
/// <c>ŷ = softmax(W_yh·h + b_y)</c> is this followed by a softmax (fused into the loss during training).
/// </summary>
/// <remarks>
/// <c>weight</c> (out, in), <c>bias</c> (out), both initialised from U(−1/√in, 1/√in) as PyTorch does. Inputs of any rank:
/// the leading dimensions are kept, <c>(…, in) → (…, out)</c>.
/// </remarks>
/// <typeparam name="T">Element type.</typeparam>
public sealed class Linear<T> : Module<T> where T : unmanaged, IFloatingPointIeee754<T>
{
    /// <summary>Creates the layer with freshly initialised weights.</summary>
    /// <param name="inputSize">Features in.</param>
    /// <param name="outputSize">Features out.</param>
    /// <param name="rng">The initialisation's random source.</param>
    /// <param name="bias">Whether the layer has a bias.</param>
    public Linear(int inputSize, int outputSize, Rng rng, bool bias = true)
    {
        if (inputSize <= 0) throw new ArgumentOutOfRangeException(nameof(inputSize), $"inputSize must be positive; got {inputSize}.");
        if (outputSize <= 0) throw new ArgumentOutOfRangeException(nameof(outputSize), $"outputSize must be positive; got {outputSize}.");
        double bound = 1 / Math.Sqrt(inputSize);
        InputSize = inputSize;
        OutputSize = outputSize;
        Weight = RegisterParameter("weight", new Variable<T>(Tensor.Uniform<T>(rng, -bound, bound, outputSize, inputSize), requiresGrad: true));
        if (bias) Bias = RegisterParameter("bias", new Variable<T>(Tensor.Uniform<T>(rng, -bound, bound, outputSize), requiresGrad: true));
    }

    /// <summary>Features in.</summary>
    public int InputSize { get; }

    /// <summary>Features out.</summary>
    public int OutputSize { get; }

    /// <summary>W, <c>weight</c> (out, in).</summary>
    public Variable<T> Weight { get; }

    /// <summary>b, <c>bias</c> (out), or null.</summary>
    public Variable<T>? Bias { get; }

    /// <summary><c>y = x·Wᵀ + b</c>.</summary>
    /// <param name="tape">The tape.</param>
    /// <param name="x">Input <c>(…, in)</c>.</param>
    /// <returns>Output <c>(…, out)</c>.</returns>
    public Variable<T> Forward(Tape<T> tape, Variable<T> x)
    {
        if (x.Value.Dim(-1) != InputSize)
        {
            throw new ArgumentException($"x has {x.Value.Dim(-1)} features; this layer expects InputSize = {InputSize}.", nameof(x));
        }
        return tape.Affine(x, Weight, Bias);
    }

    /// <summary>Inference on one vector or a batch of rows, without a tape: <c>y = x·Wᵀ + b</c>.</summary>
    /// <param name="x">Rows of <see cref="InputSize"/> features.</param>
    /// <param name="y">Receives rows of <see cref="OutputSize"/> features.</param>
    public void Apply(ReadOnlySpan<T> x, Span<T> y)
    {
        int rows = x.Length / InputSize;
        if (x.Length != rows * InputSize || y.Length != rows * OutputSize)
        {
            throw new ArgumentException($"x ({x.Length}) and y ({y.Length}) must hold the same number of rows of {InputSize} and {OutputSize} features.", nameof(y));
        }
        Kernels.Gemm.Multiply<T>(x, Weight.Value.Span, y, rows, OutputSize, InputSize, transposeB: true);
        if (Bias is null) return;
        for (int r = 0; r < rows; r++)
        {
            var row = y.Slice(r * OutputSize, OutputSize);
            TensorPrimitives.Add(row, Bias.Value.Span, row);
        }
    }
}
