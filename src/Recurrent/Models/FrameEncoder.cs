using System.Numerics;
using Recurrent.Autodiff;
using Recurrent.Layers;
using Recurrent.Tensors;

namespace Recurrent.Models;

/// <summary>
/// The small learned encoder that turns each frame (or image) into a feature vector before the recurrent layer, the
/// role of the CNN in the LRCN figures of the lecture (Donahue et al., 2016), here a linear layer and a rectifier:
/// <c>e[t] = relu(W_e·x[t] + b_e)</c>, <c>(…, I) → (…, E)</c>. Parameters <c>weight</c> (E, I), <c>bias</c> (E).
/// </summary>
/// <typeparam name="T">Element type.</typeparam>
public sealed class FrameEncoder<T> : Module<T> where T : unmanaged, IFloatingPointIeee754<T>
{
    private readonly Linear<T> _linear;

    /// <summary>Creates the encoder with freshly initialised weights.</summary>
    /// <param name="inputSize">I, values per frame.</param>
    /// <param name="outputSize">E, features per frame.</param>
    /// <param name="rng">The initialisation's random source.</param>
    public FrameEncoder(int inputSize, int outputSize, Rng rng)
    {
        _linear = new Linear<T>(inputSize, outputSize, rng);
        foreach (var (name, p) in _linear.NamedParameters()) RegisterParameter(name, p);
    }

    /// <summary>I.</summary>
    public int InputSize => _linear.InputSize;

    /// <summary>E.</summary>
    public int OutputSize => _linear.OutputSize;

    /// <summary><c>relu(W_e·x + b_e)</c> for every frame.</summary>
    /// <param name="tape">The tape.</param>
    /// <param name="x">Frames <c>(…, I)</c>.</param>
    /// <returns>Features <c>(…, E)</c>.</returns>
    public Variable<T> Forward(Tape<T> tape, Variable<T> x) => tape.Relu(_linear.Forward(tape, x));
}
