using System.Globalization;

namespace Recurrent.Data;

/// <summary>
/// A word-level vocabulary for the sequence outputs of the lecture's 1-N and N-M tasks (captions, descriptions,
/// answers): three special tokens, then the dataset's words, each identified by its position.
/// </summary>
/// <remarks>
/// <para>
/// Ids 0, 1, 2 are always <see cref="Pad"/>, <see cref="Start"/> and <see cref="End"/>, the tokens a
/// sequence-to-sequence decoder needs (Sutskever et al., "Sequence to sequence learning with neural networks", 2014):
/// the decoder reads <c>&lt;start&gt; w₁ … wₙ</c> and is trained to emit <c>w₁ … wₙ &lt;end&gt;</c>; rows shorter
/// than the batch's longest are filled with <c>&lt;pad&gt;</c>, which a loss masks by length (see
/// <see cref="DecoderSequences"/>). Putting pad at 0 makes a zero-filled buffer an all-padding buffer.
/// </para>
/// <para>
/// A sentence is its tokens separated by single spaces. Tokens may be single characters (the addition task's
/// digits), so <see cref="Decode"/> takes the separator to put back between them.
/// </para>
/// </remarks>
public sealed class TokenVocabulary
{
    /// <summary>Id of the padding token, <see cref="Pad"/>.</summary>
    public const int PadId = 0;

    /// <summary>Id of the start-of-sequence token, <see cref="Start"/>.</summary>
    public const int StartId = 1;

    /// <summary>Id of the end-of-sequence token, <see cref="End"/>.</summary>
    public const int EndId = 2;

    /// <summary>The padding token's text.</summary>
    public const string Pad = "<pad>";

    /// <summary>The start-of-sequence token's text.</summary>
    public const string Start = "<start>";

    /// <summary>The end-of-sequence token's text.</summary>
    public const string End = "<end>";

    private readonly string[] _tokens;
    private readonly Dictionary<string, int> _ids;
    private readonly Dictionary<string, int>.AlternateLookup<ReadOnlySpan<char>> _spanIds;

    /// <summary>Creates the vocabulary <c>&lt;pad&gt; &lt;start&gt; &lt;end&gt;</c> followed by <paramref name="words"/>, in that order.</summary>
    /// <param name="words">Distinct, non-empty tokens without whitespace, none of them a special token.</param>
    public TokenVocabulary(IEnumerable<string> words)
    {
        ArgumentNullException.ThrowIfNull(words);
        var tokens = new List<string> { Pad, Start, End };
        _ids = new Dictionary<string, int>(StringComparer.Ordinal) { [Pad] = PadId, [Start] = StartId, [End] = EndId };
        foreach (string word in words)
        {
            if (string.IsNullOrEmpty(word) || word.Any(char.IsWhiteSpace))
            {
                throw new ArgumentException($"Token {tokens.Count} is '{word}'; tokens must be non-empty and have no whitespace.", nameof(words));
            }
            if (!_ids.TryAdd(word, tokens.Count))
            {
                throw new ArgumentException($"Token '{word}' appears twice (or is a special token); tokens must be distinct.", nameof(words));
            }
            tokens.Add(word);
        }
        _tokens = [.. tokens];
        _spanIds = _ids.GetAlternateLookup<ReadOnlySpan<char>>();
    }

    /// <summary>The number of tokens V, special tokens included.</summary>
    public int Count => _tokens.Length;

    /// <summary>Every token, in id order.</summary>
    public IReadOnlyList<string> Tokens => _tokens;

    /// <summary>The token whose id is <paramref name="id"/>.</summary>
    /// <param name="id">An id in <c>[0, Count)</c>.</param>
    public string this[int id]
    {
        get
        {
            if ((uint)id >= (uint)_tokens.Length)
            {
                throw new ArgumentOutOfRangeException(nameof(id), $"Token id {id} is outside the vocabulary's {Count} tokens [0, {Count}).");
            }
            return _tokens[id];
        }
    }

    /// <summary>The id of <paramref name="token"/>.</summary>
    /// <param name="token">A token of the vocabulary.</param>
    /// <returns>Its id.</returns>
    public int IdOf(string token)
    {
        if (!_ids.TryGetValue(token, out int id))
        {
            throw new ArgumentException($"Token '{token}' is not in the vocabulary of {Count} tokens.", nameof(token));
        }
        return id;
    }

    /// <summary>Looks <paramref name="token"/> up without allocating.</summary>
    /// <param name="token">The token's characters.</param>
    /// <param name="id">Its id, or -1 when it is not in the vocabulary.</param>
    /// <returns>Whether the token is in the vocabulary.</returns>
    public bool TryGetId(ReadOnlySpan<char> token, out int id)
    {
        if (_spanIds.TryGetValue(token, out id)) return true;
        id = -1;
        return false;
    }

    /// <summary>Writes the ids of the space-separated words of <paramref name="sentence"/> into <paramref name="ids"/>.</summary>
    /// <param name="sentence">Words separated by single spaces.</param>
    /// <param name="ids">Destination; at least as long as the number of words.</param>
    /// <returns>The number of words written.</returns>
    public int Encode(ReadOnlySpan<char> sentence, Span<int> ids)
    {
        int count = 0;
        foreach (Range range in sentence.Split(' '))
        {
            ReadOnlySpan<char> word = sentence[range];
            if (!TryGetId(word, out int id))
            {
                throw new ArgumentException($"Word {count} of the sentence, '{word}', is not in the vocabulary of {Count} tokens.", nameof(sentence));
            }
            if (count == ids.Length)
            {
                throw new ArgumentException($"The sentence has more than {ids.Length} words; ids has room for {ids.Length}.", nameof(ids));
            }
            ids[count++] = id;
        }
        return count;
    }

    /// <summary>
    /// The text of <paramref name="ids"/>: tokens joined by <paramref name="separator"/>, stopping at the first
    /// <c>&lt;end&gt;</c> and skipping <c>&lt;pad&gt;</c> and <c>&lt;start&gt;</c>.
    /// </summary>
    /// <param name="ids">Token ids, as a decoder emits them.</param>
    /// <param name="separator">Put between tokens: a space for words, empty for characters.</param>
    /// <returns>The sentence.</returns>
    public string Decode(ReadOnlySpan<int> ids, string separator = " ")
    {
        var parts = new List<string>(ids.Length);
        foreach (int id in ids)
        {
            if (id == EndId) break;
            if (id is PadId or StartId) continue;
            parts.Add(this[id]);
        }
        return string.Join(separator, parts);
    }

    /// <inheritdoc/>
    public override string ToString() => string.Create(CultureInfo.InvariantCulture, $"TokenVocabulary({Count} tokens)");
}
