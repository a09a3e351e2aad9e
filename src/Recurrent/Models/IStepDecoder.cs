namespace Recurrent.Models;

/// <summary>
/// A decoder advanced one token at a time over R rows (R = sources × hypotheses per source), the interface the
/// decoding strategies of <see cref="SequenceDecoding"/> drive. It holds the recurrent state of every row
/// (through <see cref="Layers.RecurrentLayer{T}.Step(ReadOnlySpan{T}, Layers.RecurrentState{T}, Span{T})"/>) and whatever each row reads besides its tokens (image
/// features, encoder outputs).
/// </summary>
internal interface IStepDecoder
{
    /// <summary>V, the vocabulary of the scores.</summary>
    int Vocabulary { get; }

    /// <summary>Sets up <paramref name="copies"/> rows per source, each starting from its source's initial state.</summary>
    /// <param name="copies">Rows per source (1, or the beam width).</param>
    void Start(int copies);

    /// <summary>Feeds one token per row and writes each row's log-probabilities of the next token, <c>(R, V)</c>.</summary>
    /// <param name="tokens">R token ids.</param>
    /// <param name="logProbabilities">Receives R·V values, <c>log softmax</c> of the scores.</param>
    void Step(ReadOnlySpan<int> tokens, Span<double> logProbabilities);

    /// <summary>Makes row r continue from the state of row <c>parents[r]</c> (beam search keeps the best extensions).</summary>
    /// <param name="parents">R row indices.</param>
    void Reorder(ReadOnlySpan<int> parents);
}
