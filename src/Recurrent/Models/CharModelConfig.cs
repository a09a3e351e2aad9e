using Recurrent.Cells;
using Recurrent.Layers;

namespace Recurrent.Models;

/// <summary>The shape of a <see cref="CharLanguageModel{T}"/>; saved in checkpoints so a model can be rebuilt from one.</summary>
/// <param name="VocabularySize">V, the number of distinct characters.</param>
/// <param name="EmbeddingSize">E, the size of each character's learned vector.</param>
/// <param name="Rnn">
/// The recurrent stack: a unidirectional, batch-first cell without an output layer (Elman, LSTM or a GRU). Its
/// <see cref="RecurrentSpec.Dropout"/> applies between its layers and also before the decoder, while training.
/// </param>
public sealed record CharModelConfig(int VocabularySize, int EmbeddingSize, RecurrentSpec Rnn)
{
    /// <summary>Checks every size; throws <see cref="ArgumentException"/> naming the first bad one.</summary>
    public void Validate()
    {
        if (VocabularySize < 2) throw new ArgumentOutOfRangeException(nameof(VocabularySize), $"the vocabulary needs at least 2 symbols; got {VocabularySize}.");
        if (EmbeddingSize < 1) throw new ArgumentOutOfRangeException(nameof(EmbeddingSize), $"the embedding size must be positive; got {EmbeddingSize}.");
        ArgumentNullException.ThrowIfNull(Rnn);
        Rnn.Validate("recurrent stack");
        if (Rnn.Cell is CellKind.Jordan or CellKind.ElmanJordan or CellKind.Custom) throw new ArgumentException("The character model uses a cell without an output layer (Elman, LSTM or a GRU).", nameof(Rnn));
        if (Rnn.CellOutputSize is not null) throw new ArgumentException($"The character model's decoder reads h, so Rnn.CellOutputSize must be null; got {Rnn.CellOutputSize}.", nameof(Rnn));
        if (Rnn.Bidirectional) throw new ArgumentException("The character model predicts the next character from the past alone, so Rnn.Bidirectional must be false.", nameof(Rnn));
        if (!Rnn.BatchFirst) throw new ArgumentException("The character model feeds batch-first sequences, so Rnn.BatchFirst must be true.", nameof(Rnn));
    }
}
