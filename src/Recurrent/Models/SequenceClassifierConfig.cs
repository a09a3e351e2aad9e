using Recurrent.Layers;

namespace Recurrent.Models;

/// <summary>The shape of a <see cref="SequenceClassifier{T}"/>; saved in its checkpoints.</summary>
/// <param name="InputSize">I, features per input step (values per frame).</param>
/// <param name="Outputs">V, the classes of the softmax head (1 for a regression read with mean squared error).</param>
/// <param name="Encoder">The recurrent encoder.</param>
/// <param name="Pooling">The lecture's "último paso" or "promedio".</param>
/// <param name="FrameEncoderSize">E of a <see cref="FrameEncoder{T}"/> applied to every step first; 0 for none.</param>
public sealed record SequenceClassifierConfig(int InputSize, int Outputs, RecurrentSpec Encoder, TimePooling Pooling = TimePooling.LastStep, int FrameEncoderSize = 0)
{
    /// <summary>Checks every size; throws an <see cref="ArgumentException"/> naming the first bad one.</summary>
    public void Validate()
    {
        if (InputSize < 1) throw new ArgumentException($"InputSize is {InputSize}; expected a positive number of features per step.");
        if (Outputs < 1) throw new ArgumentException($"Outputs is {Outputs}; expected at least 1 (classes, or 1 for regression).");
        if (FrameEncoderSize < 0) throw new ArgumentException($"FrameEncoderSize is {FrameEncoderSize}; expected 0 (none) or a positive size.");
        if (!Enum.IsDefined(Pooling)) throw new ArgumentException($"Pooling is {Pooling}; expected one of {string.Join(", ", Enum.GetNames<TimePooling>())}.");
        ArgumentNullException.ThrowIfNull(Encoder);
        Encoder.ValidateForModel("encoder");
    }
}
