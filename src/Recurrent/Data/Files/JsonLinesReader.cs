using System.Text;
using System.Text.Json;
using static Recurrent.Data.Files.FileMessages;

namespace Recurrent.Data.Files;

/// <summary>
/// Streams a JSON Lines file (<see href="https://jsonlines.org"/>): one JSON object per non-blank line, read one at a
/// time in bounded memory.
/// </summary>
/// <remarks>
/// <para>
/// Each line is parsed on its own (strict JSON: no comments or trailing commas); blank lines are skipped. The typed
/// accessors take a field name and either return its value or throw an <see cref="InvalidDataException"/> whose
/// message is one line naming the file, the line and the field: <c>train.jsonl:7: field 'text' is missing.</c>
/// </para>
/// <para>
/// <see cref="Current"/> is a self-contained copy of the line's object: it stays valid after the next
/// <see cref="Read"/>.
/// </para>
/// </remarks>
public sealed class JsonLinesReader : IDisposable
{
    private readonly TextReader _reader;
    private readonly TextBuffer _text;
    private byte[] _utf8 = new byte[1 << 12];   // the current line, encoded for the JSON parser
    private int _consumed;                      // characters of the current line and its line break
    private long _line;
    private long _nextLine = 1;
    private JsonElement _current;
    private bool _hasCurrent;
    private bool _started;
    private bool _disposed;

    /// <summary>Opens the JSON Lines file at <paramref name="path"/>.</summary>
    /// <param name="path">The file, UTF-8 with or without a byte-order mark.</param>
    /// <returns>A reader before the first object.</returns>
    /// <exception cref="FileNotFoundException">There is no such file.</exception>
    public static JsonLinesReader Open(string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, bufferSize: 1, FileOptions.SequentialScan);
        return new JsonLinesReader(new Utf8TextReader(stream), path);
    }

    /// <summary>Reads JSON Lines from <paramref name="reader"/>, which the new reader disposes.</summary>
    /// <param name="reader">The text; a leading byte-order mark is skipped.</param>
    /// <param name="name">The file's name, for messages.</param>
    public JsonLinesReader(TextReader reader, string name)
        : this(reader, name, TextBuffer.DefaultMaxChars)
    {
    }

    /// <summary>As the public constructor, with the longest line in characters (for tests of the limit).</summary>
    internal JsonLinesReader(TextReader reader, string name, int maxChars)
    {
        ArgumentNullException.ThrowIfNull(reader);
        ArgumentNullException.ThrowIfNull(name);
        _reader = reader;
        _text = new TextBuffer(reader, maxChars);
        Name = name;
    }

    /// <summary>The file's name as given, used in every message.</summary>
    public string Name { get; }

    /// <summary>The 1-based line of the current object; 0 before the first <see cref="Read"/>.</summary>
    public long Line => _line;

    /// <summary>The current object.</summary>
    /// <exception cref="InvalidOperationException">There is none: <see cref="Read"/> has not returned true.</exception>
    public JsonElement Current => _hasCurrent
        ? _current
        : throw new InvalidOperationException("There is no current object; call Read() and use the object only while it returns true.");

    /// <summary>Moves to the next object, skipping blank lines.</summary>
    /// <returns>Whether there was one; false at the end of the file.</returns>
    /// <exception cref="InvalidDataException">The line is not valid JSON or not an object.</exception>
    public bool Read()
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        _hasCurrent = false;
        _current = default;
        while (true)
        {
            _text.Advance(_consumed);
            _consumed = 0;
            int newline = FindNewline();
            if (!_started)
            {
                _started = true;
                if (_text.Length > 0 && _text.Span[0] == '\uFEFF')
                {
                    _consumed = 1;
                    continue;
                }
            }
            if (newline == TextBuffer.TooLong)
            {
                throw Invalid($"{Name}:{_nextLine}: a line longer than {_text.MaxChars} characters; expected one JSON object per line.");
            }
            int lineEnd = newline < 0 ? _text.Length : newline;
            if (newline < 0 && lineEnd == 0) return false;
            _line = _nextLine++;
            _consumed = newline < 0 ? lineEnd : newline + 1;
            ReadOnlySpan<char> line = _text.Span[..lineEnd];
            if (line.IsWhiteSpace()) continue;
            _current = Parse(line);
            _hasCurrent = true;
            return true;
        }
    }

    /// <summary>Whether the current object has <paramref name="field"/> with a value other than <c>null</c>.</summary>
    /// <param name="field">A field name (case-sensitive).</param>
    /// <returns>Whether the field is there.</returns>
    public bool Has(string field) => Current.TryGetProperty(field, out JsonElement value) && value.ValueKind != JsonValueKind.Null;

    /// <summary>A required string field of the current object.</summary>
    /// <param name="field">A field name.</param>
    /// <returns>Its text.</returns>
    /// <exception cref="InvalidDataException">The field is missing or not a string.</exception>
    public string Text(string field)
    {
        JsonElement value = Property(field);
        if (value.ValueKind != JsonValueKind.String) throw Invalid($"{Name}:{_line}: field '{field}' is {Kind(value)}; expected a string.");
        return value.GetString()!;
    }

    /// <summary>
    /// A required field holding one or several strings (several references for one input): a string is one item,
    /// a non-empty array of strings its items.
    /// </summary>
    /// <param name="field">A field name.</param>
    /// <returns>At least one string.</returns>
    /// <exception cref="InvalidDataException">The field is missing, an empty array, or not strings.</exception>
    public IReadOnlyList<string> Texts(string field)
    {
        JsonElement value = Property(field);
        if (value.ValueKind == JsonValueKind.String) return [value.GetString()!];
        if (value.ValueKind == JsonValueKind.Array && value.GetArrayLength() == 0)
        {
            throw Invalid($"{Name}:{_line}: field '{field}' is an empty array; expected at least one string.");
        }
        return Strings(field, value);
    }

    /// <summary>
    /// A required field holding a token sequence: a string is split on whitespace (empty entries dropped), an array
    /// of strings is the tokens as they are (a tagged sequence, <c>"tokens": ["New", "York"]</c>). The list may be empty.
    /// </summary>
    /// <param name="field">A field name.</param>
    /// <returns>The tokens.</returns>
    /// <exception cref="InvalidDataException">The field is missing or not a string or an array of strings.</exception>
    public IReadOnlyList<string> Tokens(string field)
    {
        JsonElement value = Property(field);
        if (value.ValueKind == JsonValueKind.String) return value.GetString()!.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries);
        return Strings(field, value);
    }

    /// <summary>The error <c>{Name}:{Line}: field '{field}': {problem}</c>, for the caller to throw.</summary>
    /// <param name="field">The field's name.</param>
    /// <param name="problem">What is wrong, a sentence ending in a period.</param>
    /// <returns>The exception.</returns>
    public InvalidDataException Error(string field, string problem) => Invalid($"{Name}:{_line}: field '{field}': {problem}");

    /// <summary>The error <c>{Name}:{Line}: {problem}</c>, for the caller to throw.</summary>
    /// <param name="problem">What is wrong, a sentence ending in a period.</param>
    /// <returns>The exception.</returns>
    public InvalidDataException Error(string problem) => Invalid($"{Name}:{_line}: {problem}");

    /// <summary>Closes the file (disposes the <see cref="TextReader"/>).</summary>
    public void Dispose()
    {
        if (_disposed) return;
        _disposed = true;
        _hasCurrent = false;
        _reader.Dispose();
    }

    /// <inheritdoc/>
    public override string ToString() => $"JsonLinesReader({Name}, line {_line})";

    private JsonElement Property(string field)
    {
        ArgumentNullException.ThrowIfNull(field);
        if (!Current.TryGetProperty(field, out JsonElement value)) throw Invalid($"{Name}:{_line}: field '{field}' is missing.");
        return value;
    }

    private string[] Strings(string field, JsonElement value)
    {
        if (value.ValueKind != JsonValueKind.Array)
        {
            throw Invalid($"{Name}:{_line}: field '{field}' is {Kind(value)}; expected a string or an array of strings.");
        }
        var strings = new string[value.GetArrayLength()];
        int i = 0;
        foreach (JsonElement item in value.EnumerateArray())
        {
            if (item.ValueKind != JsonValueKind.String) throw Invalid($"{Name}:{_line}: field '{field}'[{i}] is {Kind(item)}; expected a string.");
            strings[i++] = item.GetString()!;
        }
        return strings;
    }

    /// <summary>The kind of a JSON value as a noun phrase: <c>a Number</c>, <c>an Array</c>, <c>null</c>.</summary>
    private static string Kind(JsonElement value) => value.ValueKind switch
    {
        JsonValueKind.Object => "an Object",
        JsonValueKind.Array => "an Array",
        JsonValueKind.String => "a String",
        JsonValueKind.Number => "a Number",
        JsonValueKind.True or JsonValueKind.False => "a Boolean",
        _ => "null",
    };

    /// <summary>The object on <paramref name="line"/>, as a copy that owns its memory.</summary>
    private JsonElement Parse(ReadOnlySpan<char> line)
    {
        if (_utf8.Length < 3L * line.Length)
        {
            int needed = Encoding.UTF8.GetByteCount(line);
            if (_utf8.Length < needed) _utf8 = new byte[Math.Max(needed, 2 * _utf8.Length)];
        }
        int length = Encoding.UTF8.GetBytes(line, _utf8);
        var reader = new Utf8JsonReader(_utf8.AsSpan(0, length));
        JsonElement element;
        try
        {
            element = JsonElement.ParseValue(ref reader);
            if (reader.Read()) throw Invalid($"{Name}:{_line}: not a JSON object (more than one JSON value on the line).");
        }
        catch (JsonException e)
        {
            string reason = e.Message;
            int position = reason.IndexOf(" LineNumber:", StringComparison.Ordinal);
            if (position >= 0) reason = reason[..position];
            reason = reason.TrimEnd('.', ' ');
            string where = e.BytePositionInLine is long bytes && bytes <= length
                ? $" at column {Encoding.UTF8.GetCharCount(_utf8.AsSpan(0, (int)bytes)) + 1}"
                : "";
            throw Invalid($"{Name}:{_line}: not a JSON object (invalid JSON{where}: {reason}).", e);
        }
        if (element.ValueKind != JsonValueKind.Object) throw Invalid($"{Name}:{_line}: not a JSON object (the line is {Kind(element)}).");
        return element;
    }

    private int FindNewline()
    {
        try
        {
            return _text.IndexOfNewline(0);
        }
        catch (DecoderFallbackException e)
        {
            throw Invalid($"{Name}:{_nextLine}: {e.Message}", e);
        }
    }
}
