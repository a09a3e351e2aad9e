namespace Recurrent.Models;

/// <summary>The shape of a <see cref="SequenceTagger{T}"/>; saved in its checkpoints.</summary>
/// <param name="InputSize">I, features per input step.</param>
/// <param name="Classes">V, the labels a step can take.</param>
/// <param name="Encoder">The recurrent layer (bidirectional or not).</param>
/// <param name="FrameEncoderSize">E of a <see cref="FrameEncoder{T}"/> applied to every step first; 0 for none.</param>
public sealed record SequenceTaggerConfig(int InputSize, int Classes, RecurrentSpec Encoder, int FrameEncoderSize = 0)
{
    /// <summary>Checks every size; throws an <see cref="ArgumentException"/> naming the first bad one.</summary>
    public void Validate()
    {
        if (InputSize < 1) throw new ArgumentException($"InputSize is {InputSize}; expected a positive number of features per step.");
        if (Classes < 2) throw new ArgumentException($"Classes is {Classes}; a tagger needs at least 2 labels.");
        if (FrameEncoderSize < 0) throw new ArgumentException($"FrameEncoderSize is {FrameEncoderSize}; expected 0 (none) or a positive size.");
        ArgumentNullException.ThrowIfNull(Encoder);
        Encoder.Validate("encoder");
    }
}
