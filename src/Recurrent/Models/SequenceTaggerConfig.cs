using Recurrent.Layers;

namespace Recurrent.Models;

/// <summary>The shape of a <see cref="SequenceTagger{T}"/>; saved in its checkpoints.</summary>
/// <param name="InputSize">I, features per input step.</param>
/// <param name="Classes">V, the labels a step can take.</param>
/// <param name="Encoder">The recurrent layer (bidirectional or not).</param>
/// <param name="FrameEncoderSize">E of a <see cref="FrameEncoder{T}"/> applied to every step first; 0 for none.</param>
/// <param name="CellOutputIsPrediction">
/// No separate head: the cell's own output layer ŷ = φ_y(W_yh·h + b_y), of size V, is the logits (the lecture's
/// Jordan network, which feeds back its prediction itself). Needs a cell with an output layer of size
/// <paramref name="Classes"/>, unidirectional.
/// </param>
public sealed record SequenceTaggerConfig(int InputSize, int Classes, RecurrentSpec Encoder, int FrameEncoderSize = 0, bool CellOutputIsPrediction = false)
{
    /// <summary>Checks every size; throws an <see cref="ArgumentException"/> naming the first bad one.</summary>
    public void Validate()
    {
        if (InputSize < 1) throw new ArgumentException($"InputSize is {InputSize}; expected a positive number of features per step.");
        if (Classes < 2) throw new ArgumentException($"Classes is {Classes}; a tagger needs at least 2 labels.");
        if (FrameEncoderSize < 0) throw new ArgumentException($"FrameEncoderSize is {FrameEncoderSize}; expected 0 (none) or a positive size.");
        ArgumentNullException.ThrowIfNull(Encoder);
        Encoder.ValidateForModel("encoder");
        if (CellOutputIsPrediction && (Encoder.CellOutputSize != Classes || Encoder.Bidirectional || Encoder.Cell is Cells.CellKind.Lstm or Cells.CellKind.Gru or Cells.CellKind.CudnnGru))
        {
            throw new ArgumentException($"CellOutputIsPrediction needs a unidirectional Elman, Jordan or Elman–Jordan cell with CellOutputSize = Classes = {Classes}; got {Encoder.Cell} with CellOutputSize {Encoder.CellOutputSize?.ToString() ?? "null"}{(Encoder.Bidirectional ? ", bidirectional" : "")}.");
        }
    }
}
