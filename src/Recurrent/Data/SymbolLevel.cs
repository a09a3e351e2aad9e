namespace Recurrent.Data;

/// <summary>Whether text is split into characters or whitespace-separated tokens (see <see cref="TokenVocabulary.Split"/>).</summary>
public enum SymbolLevel
{
    /// <summary>One symbol per Unicode character (a <see cref="System.Text.Rune"/>: a surrogate pair is one symbol), whitespace included.</summary>
    Characters,

    /// <summary>One symbol per run of non-whitespace characters; the whitespace between them is dropped.</summary>
    Words,
}
