using Recurrent.Layers;

namespace Recurrent.Models;

/// <summary>
/// The stages of a <see cref="Sequential{T}"/>, in order: an embedding of token ids or a frame encoder (optional),
/// one or more recurrent stages, pooling over time, and a linear head. Saved as JSON in its model files.
/// </summary>
/// <param name="InputSize">I, features per step; with an embedding, the number of token ids V.</param>
/// <param name="Outputs">Classes (or values) the head scores.</param>
/// <param name="Recurrent">The recurrent stages, each a (possibly stacked, bidirectional) recurrent layer; at least one.</param>
/// <param name="Pooling">Last step, mean over steps, or all steps.</param>
/// <param name="EmbeddingSize">E of an embedding of token ids applied first; 0 for none (inputs are feature vectors).</param>
/// <param name="FrameEncoderSize">Size of a linear + relu encoder applied to every step first; 0 for none.</param>
/// <param name="InputDropout">
/// Dropout on what the first recurrent stage reads (the embedded symbols or encoded frames), while training, in [0, 1):
/// the usual regulariser of a small-data classifier over symbols, which otherwise memorises its training sequences.
/// </param>
/// <param name="OutputDropout">Dropout on what the head reads (the pooled or per-step states), while training, in [0, 1).</param>
public sealed record SequentialConfig(int InputSize, int Outputs, IReadOnlyList<RecurrentSpec> Recurrent,
    SequencePooling Pooling = SequencePooling.LastStep, int EmbeddingSize = 0, int FrameEncoderSize = 0,
    double InputDropout = 0, double OutputDropout = 0)
{
    /// <summary>Checks every stage; throws an <see cref="ArgumentException"/> naming the first bad one and what it should be.</summary>
    public void Validate()
    {
        if (InputSize < 1) throw new ArgumentException($"InputSize is {InputSize}; expected a positive number of features (or token ids with an embedding).");
        if (Outputs < 1) throw new ArgumentException($"Outputs is {Outputs}; expected at least 1.");
        if (EmbeddingSize < 0) throw new ArgumentException($"EmbeddingSize is {EmbeddingSize}; expected 0 (none) or a positive size.");
        if (FrameEncoderSize < 0) throw new ArgumentException($"FrameEncoderSize is {FrameEncoderSize}; expected 0 (none) or a positive size.");
        if (!Enum.IsDefined(Pooling)) throw new ArgumentException($"Pooling is {Pooling}; expected one of {string.Join(", ", Enum.GetNames<SequencePooling>())}.");
        if (!(InputDropout >= 0 && InputDropout < 1)) throw new ArgumentException($"InputDropout is {InputDropout}; expected a probability in [0, 1).");
        if (!(OutputDropout >= 0 && OutputDropout < 1)) throw new ArgumentException($"OutputDropout is {OutputDropout}; expected a probability in [0, 1).");
        if (EmbeddingSize > 0 && FrameEncoderSize > 0) throw new ArgumentException("A Sequential has an embedding (token ids) or a frame encoder (feature vectors), not both.");
        if (Recurrent is null || Recurrent.Count == 0) throw new ArgumentException("Recurrent is empty; expected at least one recurrent stage.");
        for (int i = 0; i < Recurrent.Count; i++)
        {
            if (Recurrent[i] is null) throw new ArgumentException($"Recurrent stage {i} is null; expected a RecurrentSpec.");
            Recurrent[i].Validate($"recurrent stage {i}");
            if (!Recurrent[i].BatchFirst) throw new ArgumentException($"Recurrent stage {i} has BatchFirst = false; a Sequential reads (B, T, I) batches.");
        }
    }
}
