using System.Globalization;
using System.Text;

namespace Recurrent.Data.Text;

/// <summary>
/// The alphabet of a character-level language model: the distinct characters of a corpus sorted by code, each
/// identified by its rank (its id, 0 … V − 1), as in Karpathy's char-rnn ("The unreasonable effectiveness of
/// recurrent neural networks", 2015) and nanoGPT's <c>shakespeare_char</c>.
/// </summary>
/// <remarks>
/// <para>
/// A symbol is one UTF-16 code unit (a .NET <see cref="char"/>): a character outside the Basic Multilingual Plane is
/// two symbols, its surrogates, and still decodes back to itself. Sorting makes the ids a function of the set of
/// characters alone, so two corpora with the same characters share ids.
/// </para>
/// <para>
/// A checkpoint stores the vocabulary as one line of text (<see cref="ToText"/>, read back by <see cref="Parse"/>):
/// the symbols in id order, with control characters, surrogates and the backslash written as <c>\uXXXX</c>, so
/// the line is valid UTF-8 and JSON-safe whatever the corpus held.
/// </para>
/// </remarks>
public sealed class CharVocabulary : IEquatable<CharVocabulary>
{
    private const int AsciiCount = 128;

    private readonly char[] _symbols;     // id → symbol, strictly increasing
    private readonly int[] _asciiIds;     // symbol → id for ASCII, -1 if absent

    private CharVocabulary(char[] symbols)
    {
        _symbols = symbols;
        _asciiIds = new int[AsciiCount];
        Array.Fill(_asciiIds, -1);
        for (int id = 0; id < symbols.Length && symbols[id] < AsciiCount; id++) _asciiIds[symbols[id]] = id;
    }

    /// <summary>V, the number of symbols.</summary>
    public int Count => _symbols.Length;

    /// <summary>The symbols in id order (ascending code).</summary>
    public ReadOnlySpan<char> Symbols => _symbols;

    /// <summary>The symbol whose id is <paramref name="id"/>.</summary>
    /// <param name="id">An id in <c>[0, Count)</c>.</param>
    public char this[int id]
    {
        get
        {
            if ((uint)id >= (uint)_symbols.Length) ThrowBadId(id, -1);
            return _symbols[id];
        }
    }

    /// <summary>The vocabulary of the distinct characters of <paramref name="text"/>.</summary>
    /// <param name="text">The corpus.</param>
    /// <returns>The vocabulary, sorted by code.</returns>
    public static CharVocabulary FromText(ReadOnlySpan<char> text)
    {
        var seen = new bool[char.MaxValue + 1];
        int distinct = 0;
        foreach (char c in text)
        {
            if (!seen[c])
            {
                seen[c] = true;
                distinct++;
            }
        }
        var symbols = new char[distinct];
        for (int c = 0, k = 0; k < distinct; c++)
        {
            if (seen[c]) symbols[k++] = (char)c;
        }
        return new CharVocabulary(symbols);
    }

    /// <summary>The vocabulary whose ids are the positions of <paramref name="symbols"/>.</summary>
    /// <param name="symbols">Distinct characters in ascending order of code.</param>
    /// <returns>The vocabulary.</returns>
    public static CharVocabulary FromSymbols(ReadOnlySpan<char> symbols)
    {
        for (int i = 1; i < symbols.Length; i++)
        {
            if (symbols[i] <= symbols[i - 1])
            {
                throw new ArgumentException(
                    $"Symbol {i} ({Describe(symbols[i])}) does not follow symbol {i - 1} ({Describe(symbols[i - 1])}); symbols must be distinct and in ascending order.",
                    nameof(symbols));
            }
        }
        return new CharVocabulary(symbols.ToArray());
    }

    /// <summary>Whether <paramref name="symbol"/> has an id.</summary>
    /// <param name="symbol">A character.</param>
    /// <returns>True when it is in the vocabulary.</returns>
    public bool Contains(char symbol) => TryGetId(symbol, out _);

    /// <summary>Looks up the id of <paramref name="symbol"/>.</summary>
    /// <param name="symbol">A character.</param>
    /// <param name="id">Its id, or -1 when it is not in the vocabulary.</param>
    /// <returns>Whether it is in the vocabulary.</returns>
    public bool TryGetId(char symbol, out int id)
    {
        id = symbol < AsciiCount ? _asciiIds[symbol] : Array.BinarySearch(_symbols, symbol);
        if (id >= 0) return true;
        id = -1;
        return false;
    }

    /// <summary>The id of <paramref name="symbol"/>.</summary>
    /// <param name="symbol">A character of the vocabulary.</param>
    /// <returns>Its id.</returns>
    public int IdOf(char symbol)
    {
        if (!TryGetId(symbol, out int id))
        {
            throw new ArgumentException($"Character {Describe(symbol)} is not in the vocabulary of {Count} characters.", nameof(symbol));
        }
        return id;
    }

    /// <summary>Writes the id of each character of <paramref name="text"/> into <paramref name="ids"/>.</summary>
    /// <param name="text">Characters of the vocabulary.</param>
    /// <param name="ids">Destination, at least as long as <paramref name="text"/>.</param>
    /// <exception cref="ArgumentException">A character is not in the vocabulary; the message names it and its position.</exception>
    public void Encode(ReadOnlySpan<char> text, Span<int> ids)
    {
        if (ids.Length < text.Length)
        {
            throw new ArgumentException($"ids has room for {ids.Length} characters; the text has {text.Length}.", nameof(ids));
        }
        for (int i = 0; i < text.Length; i++)
        {
            if (!TryGetId(text[i], out ids[i]))
            {
                throw new ArgumentException(
                    $"Character {Describe(text[i])} at position {i} is not in the vocabulary of {Count} characters.", nameof(text));
            }
        }
    }

    /// <summary>The ids of the characters of <paramref name="text"/>, in a new array.</summary>
    /// <param name="text">Characters of the vocabulary.</param>
    /// <returns>One id per character.</returns>
    public int[] Encode(ReadOnlySpan<char> text)
    {
        var ids = new int[text.Length];
        Encode(text, ids);
        return ids;
    }

    /// <summary>Writes the symbol of each id of <paramref name="ids"/> into <paramref name="text"/>.</summary>
    /// <param name="ids">Ids in <c>[0, Count)</c>.</param>
    /// <param name="text">Destination, at least as long as <paramref name="ids"/>.</param>
    public void Decode(ReadOnlySpan<int> ids, Span<char> text)
    {
        if (text.Length < ids.Length)
        {
            throw new ArgumentException($"text has room for {text.Length} characters; there are {ids.Length} ids.", nameof(text));
        }
        for (int i = 0; i < ids.Length; i++)
        {
            int id = ids[i];
            if ((uint)id >= (uint)_symbols.Length) ThrowBadId(id, i);
            text[i] = _symbols[id];
        }
    }

    /// <summary>The text of <paramref name="ids"/>.</summary>
    /// <param name="ids">Ids in <c>[0, Count)</c>.</param>
    /// <returns>One character per id.</returns>
    public string Decode(ReadOnlySpan<int> ids)
    {
        var text = new char[ids.Length];
        Decode(ids, text);
        return new string(text);
    }

    /// <summary>
    /// The vocabulary as one line of text for a checkpoint: the symbols in id order, control characters, surrogates
    /// and <c>\</c> escaped as <c>\uXXXX</c>.
    /// </summary>
    /// <returns>The text that <see cref="Parse"/> reads back.</returns>
    public string ToText()
    {
        var text = new StringBuilder(_symbols.Length);
        foreach (char c in _symbols)
        {
            if (NeedsEscape(c)) text.Append(CultureInfo.InvariantCulture, $"\\u{(int)c:X4}");
            else text.Append(c);
        }
        return text.ToString();
    }

    /// <summary>Reads a vocabulary written by <see cref="ToText"/>.</summary>
    /// <param name="text">The symbols in id order, escaped.</param>
    /// <returns>The vocabulary with the same ids.</returns>
    public static CharVocabulary Parse(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var symbols = new List<char>(text.Length);
        for (int i = 0; i < text.Length; i++)
        {
            if (text[i] != '\\')
            {
                symbols.Add(text[i]);
                continue;
            }
            if (i + 6 > text.Length || text[i + 1] != 'u'
                || !ushort.TryParse(text.AsSpan(i + 2, 4), NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out ushort code))
            {
                throw new FormatException($"Vocabulary text has a bad escape at position {i}; expected \\u followed by 4 hex digits.");
            }
            symbols.Add((char)code);
            i += 5;
        }
        try
        {
            return FromSymbols(symbols.ToArray());
        }
        catch (ArgumentException e)
        {
            throw new FormatException($"Vocabulary text is not a vocabulary: {e.Message}", e);
        }
    }

    /// <summary>Whether both vocabularies have the same symbols, hence the same ids.</summary>
    /// <param name="other">The vocabulary to compare with.</param>
    /// <returns>True when they are interchangeable.</returns>
    public bool Equals(CharVocabulary? other) => other is not null && _symbols.AsSpan().SequenceEqual(other._symbols);

    /// <inheritdoc/>
    public override bool Equals(object? obj) => Equals(obj as CharVocabulary);

    /// <inheritdoc/>
    public override int GetHashCode()
    {
        var hash = new HashCode();
        hash.AddBytes(System.Runtime.InteropServices.MemoryMarshal.AsBytes(_symbols.AsSpan()));
        return hash.ToHashCode();
    }

    /// <inheritdoc/>
    public override string ToString() => string.Create(CultureInfo.InvariantCulture, $"CharVocabulary({Count} characters)");

    /// <summary>How error messages name a character: <c>'a' (U+0061)</c>, or only the code when it does not print.</summary>
    /// <param name="c">The character.</param>
    /// <returns>The description.</returns>
    internal static string Describe(char c) =>
        NeedsEscape(c) && c != '\\'
            ? string.Create(CultureInfo.InvariantCulture, $"U+{(int)c:X4}")
            : string.Create(CultureInfo.InvariantCulture, $"'{c}' (U+{(int)c:X4})");

    private static bool NeedsEscape(char c) => char.IsControl(c) || char.IsSurrogate(c) || c == '\\';

    private void ThrowBadId(int id, int position)
    {
        string where = position >= 0 ? string.Create(CultureInfo.InvariantCulture, $" at position {position}") : "";
        throw new ArgumentOutOfRangeException(nameof(id), $"Id {id}{where} is outside the vocabulary's {Count} characters [0, {Count}).");
    }
}
