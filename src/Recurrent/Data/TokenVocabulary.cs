using System.Globalization;
using System.Runtime.InteropServices;
using System.Text;

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
/// <para>
/// For users' own text, <see cref="Build"/> makes the vocabulary of a corpus at either <see cref="SymbolLevel"/>,
/// most frequent symbols first, with <see cref="Unknown"/> at id 3 standing for every symbol it does not hold
/// (rare ones under a minimum count, or those only the test split has); <see cref="EncodeSymbols"/> then maps
/// <see cref="Split"/>'s symbols to ids. A character-level vocabulary holds whitespace characters as tokens of their own.
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

    /// <summary>The text of the token that stands for any token not in the vocabulary, id 3 when there is one (<see cref="HasUnknown"/>).</summary>
    public const string Unknown = "<unk>";

    private const int UnknownIdWhenPresent = 3;

    private readonly string[] _tokens;
    private readonly Dictionary<string, int> _ids;
    private readonly Dictionary<string, int>.AlternateLookup<ReadOnlySpan<char>> _spanIds;

    /// <summary>Creates the vocabulary <c>&lt;pad&gt; &lt;start&gt; &lt;end&gt;</c> followed by <paramref name="words"/>, in that order.</summary>
    /// <param name="words">
    /// Distinct, non-empty tokens, none of them a special token, without whitespace unless they are one character
    /// (a space is a token of a character-level vocabulary).
    /// </param>
    public TokenVocabulary(IEnumerable<string> words)
        : this(words, withUnknown: false)
    {
    }

    /// <summary>
    /// Creates the vocabulary <c>&lt;pad&gt; &lt;start&gt; &lt;end&gt;</c>, then <c>&lt;unk&gt;</c> if
    /// <paramref name="withUnknown"/>, then <paramref name="words"/>, in that order.
    /// </summary>
    /// <param name="words">
    /// Distinct, non-empty tokens, none of them a special token, without whitespace unless they are one character.
    /// </param>
    /// <param name="withUnknown">Whether <see cref="Unknown"/> is id 3 and stands for every token not in the vocabulary.</param>
    public TokenVocabulary(IEnumerable<string> words, bool withUnknown)
    {
        ArgumentNullException.ThrowIfNull(words);
        var tokens = new List<string> { Pad, Start, End };
        _ids = new Dictionary<string, int>(StringComparer.Ordinal) { [Pad] = PadId, [Start] = StartId, [End] = EndId };
        if (withUnknown)
        {
            _ids[Unknown] = UnknownIdWhenPresent;
            tokens.Add(Unknown);
        }
        HasUnknown = withUnknown;
        foreach (string word in words)
        {
            if (string.IsNullOrEmpty(word) || (word.Length > 1 && word.Any(char.IsWhiteSpace)))
            {
                throw new ArgumentException($"Token {tokens.Count} is '{word}'; tokens must be non-empty and have no whitespace unless they are one character.", nameof(words));
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

    /// <summary>
    /// The vocabulary of the symbols of <paramref name="texts"/> (see <see cref="Split"/>), most frequent first
    /// (ties in ordinal order), after the special tokens.
    /// </summary>
    /// <param name="texts">The training texts.</param>
    /// <param name="level">Characters or whitespace-separated words.</param>
    /// <param name="withUnknown">Whether <see cref="Unknown"/> (id 3) stands for symbols not in the vocabulary.</param>
    /// <param name="minCount">The fewest occurrences a symbol needs to be in the vocabulary, at least 1.</param>
    /// <returns>The vocabulary. A symbol that is a special token's text (a corpus's own <c>&lt;unk&gt;</c>) is not added again.</returns>
    public static TokenVocabulary Build(IEnumerable<string> texts, SymbolLevel level, bool withUnknown = true, int minCount = 1)
    {
        ArgumentNullException.ThrowIfNull(texts);
        CheckLevel(level);
        ArgumentOutOfRangeException.ThrowIfLessThan(minCount, 1);
        var counts = new Dictionary<string, int>(StringComparer.Ordinal);
        var lookup = counts.GetAlternateLookup<ReadOnlySpan<char>>();
        Span<char> pair = stackalloc char[2];
        foreach (string text in texts)
        {
            ArgumentNullException.ThrowIfNull(text, nameof(texts));
            if (level == SymbolLevel.Characters)
            {
                foreach (Rune rune in text.EnumerateRunes())
                {
                    CollectionsMarshal.GetValueRefOrAddDefault(lookup, pair[..rune.EncodeToUtf16(pair)], out _)++;
                }
            }
            else
            {
                ReadOnlySpan<char> rest = text;
                while (NextWord(ref rest, out ReadOnlySpan<char> word))
                {
                    CollectionsMarshal.GetValueRefOrAddDefault(lookup, word, out _)++;
                }
            }
        }
        var words = counts
            .Where(c => c.Value >= minCount && c.Key is not (Pad or Start or End) && !(withUnknown && c.Key == Unknown))
            .OrderByDescending(c => c.Value)
            .ThenBy(c => c.Key, StringComparer.Ordinal)
            .Select(c => c.Key);
        return new TokenVocabulary(words, withUnknown);
    }

    /// <summary>
    /// The symbols of <paramref name="text"/>: its characters as <see cref="Rune"/>s (a surrogate pair is one symbol;
    /// an unpaired surrogate becomes U+FFFD), or its runs of non-whitespace characters.
    /// </summary>
    /// <param name="text">The text.</param>
    /// <param name="level">Characters or whitespace-separated words.</param>
    /// <returns>The symbols in order; no empty ones.</returns>
    public static IReadOnlyList<string> Split(string text, SymbolLevel level)
    {
        ArgumentNullException.ThrowIfNull(text);
        CheckLevel(level);
        var symbols = new List<string>(level == SymbolLevel.Characters ? text.Length : text.Length / 4);
        if (level == SymbolLevel.Characters)
        {
            foreach (Rune rune in text.EnumerateRunes()) symbols.Add(rune.ToString());
        }
        else
        {
            ReadOnlySpan<char> rest = text;
            while (NextWord(ref rest, out ReadOnlySpan<char> word)) symbols.Add(word.ToString());
        }
        return symbols;
    }

    /// <summary>The number of tokens V, special tokens included.</summary>
    public int Count => _tokens.Length;

    /// <summary>Every token, in id order.</summary>
    public IReadOnlyList<string> Tokens => _tokens;

    /// <summary>Whether <see cref="Unknown"/> is in the vocabulary (id 3) and stands for every token that is not.</summary>
    public bool HasUnknown { get; }

    /// <summary>The id of <see cref="Unknown"/>: 3 if <see cref="HasUnknown"/>, else -1.</summary>
    public int UnknownId => HasUnknown ? UnknownIdWhenPresent : -1;

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

    /// <summary>The id of <paramref name="token"/>, or <see cref="UnknownId"/> when it is not in the vocabulary.</summary>
    /// <param name="token">The token's characters.</param>
    /// <returns>Its id.</returns>
    /// <exception cref="ArgumentException">The token is not in the vocabulary, which has no <see cref="Unknown"/>.</exception>
    public int IdOrUnknown(ReadOnlySpan<char> token)
    {
        if (_spanIds.TryGetValue(token, out int id)) return id;
        if (HasUnknown) return UnknownIdWhenPresent;
        throw new ArgumentException($"Token '{token}' is not in the vocabulary of {Count} tokens, which has no {Unknown} to stand for it.", nameof(token));
    }

    /// <summary>The ids of <paramref name="symbols"/> (from <see cref="Split"/>), each by <see cref="IdOrUnknown"/>.</summary>
    /// <param name="symbols">Symbols of a text.</param>
    /// <returns>One id per symbol.</returns>
    /// <exception cref="ArgumentException">A symbol is not in the vocabulary, which has no <see cref="Unknown"/>.</exception>
    public int[] EncodeSymbols(IReadOnlyList<string> symbols)
    {
        ArgumentNullException.ThrowIfNull(symbols);
        var ids = new int[symbols.Count];
        for (int i = 0; i < ids.Length; i++) ids[i] = IdOrUnknown(symbols[i]);
        return ids;
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

    private static void CheckLevel(SymbolLevel level)
    {
        if (level is not (SymbolLevel.Characters or SymbolLevel.Words))
        {
            throw new ArgumentOutOfRangeException(nameof(level), $"Symbol level {(int)level} is neither Characters nor Words.");
        }
    }

    /// <summary>Cuts the first run of non-whitespace characters off <paramref name="rest"/>; false when none is left.</summary>
    private static bool NextWord(ref ReadOnlySpan<char> rest, out ReadOnlySpan<char> word)
    {
        int start = 0;
        while (start < rest.Length && char.IsWhiteSpace(rest[start])) start++;
        int end = start;
        while (end < rest.Length && !char.IsWhiteSpace(rest[end])) end++;
        word = rest[start..end];
        rest = rest[end..];
        return !word.IsEmpty;
    }

    /// <inheritdoc/>
    public override string ToString() => string.Create(CultureInfo.InvariantCulture, $"TokenVocabulary({Count} tokens)");
}
