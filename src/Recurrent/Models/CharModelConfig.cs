using Recurrent.Cells;

namespace Recurrent.Models;

/// <summary>The shape of a <see cref="CharLanguageModel{T}"/>; saved in checkpoints so a model can be rebuilt from one.</summary>
/// <param name="VocabularySize">V, the number of distinct characters.</param>
/// <param name="EmbeddingSize">E, the size of each character's learned vector.</param>
/// <param name="HiddenSize">H, the units of each recurrent layer.</param>
/// <param name="Layers">L, stacked recurrent layers.</param>
/// <param name="Cell">The recurrent cell.</param>
/// <param name="Dropout">Dropout between recurrent layers and before the decoder, while training.</param>
public sealed record CharModelConfig(int VocabularySize, int EmbeddingSize = 64, int HiddenSize = 256, int Layers = 2,
    CellKind Cell = CellKind.Lstm, double Dropout = 0.0)
{
    /// <summary>Checks every size; throws <see cref="ArgumentException"/> naming the first bad one.</summary>
    public void Validate()
    {
        if (VocabularySize < 2) throw new ArgumentOutOfRangeException(nameof(VocabularySize), $"the vocabulary needs at least 2 symbols; got {VocabularySize}.");
        if (EmbeddingSize < 1) throw new ArgumentOutOfRangeException(nameof(EmbeddingSize), $"the embedding size must be positive; got {EmbeddingSize}.");
        if (HiddenSize < 1) throw new ArgumentOutOfRangeException(nameof(HiddenSize), $"the hidden size must be positive; got {HiddenSize}.");
        if (Layers < 1) throw new ArgumentOutOfRangeException(nameof(Layers), $"the number of layers must be positive; got {Layers}.");
        if (Dropout is < 0 or >= 1) throw new ArgumentOutOfRangeException(nameof(Dropout), $"dropout must be in [0, 1); got {Dropout}.");
        if (Cell is CellKind.Jordan or CellKind.ElmanJordan) throw new ArgumentException("The character model uses a cell without an output layer (Elman, LSTM or a GRU).", nameof(Cell));
    }
}
