using System.Globalization;
using Recurrent.Data.Text;

namespace Recurrent.Cli.Commands;

/// <summary>
/// The texts of a char-LM training run: the training corpus, validated either on its own end (its validation split)
/// or on a separate <see cref="Validation"/> text in the same vocabulary, whose first character is an input only.
/// </summary>
internal sealed record CharLmTexts(CharCorpus Corpus, CharCorpus? Validation)
{
    /// <summary>Every validation character once, in windows of <paramref name="steps"/> from a zero state, 64 at a time.</summary>
    public ValidationWindowBatcher ValidationWindows(int steps) =>
        Validation is null ? new ValidationWindowBatcher(Corpus, 64, steps) : new ValidationWindowBatcher(Validation.Ids, 1, 64, steps);

    public override string ToString() => Validation is null ? Corpus.ToString()
        : string.Create(CultureInfo.InvariantCulture, $"{Corpus.Name}: {Corpus.Length} characters, V = {Corpus.Vocabulary.Count}; validation {Validation.Name}: {Validation.Length} characters");
}
