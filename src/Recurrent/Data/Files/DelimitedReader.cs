using System.Globalization;
using System.Text;
using static Recurrent.Data.Files.FileMessages;

namespace Recurrent.Data.Files;

/// <summary>
/// Streams a CSV or TSV file with a header line, one record at a time, in bounded memory (never reads the whole file).
/// </summary>
/// <remarks>
/// <para>
/// The format is RFC 4180 ("Common Format and MIME Type for Comma-Separated Values Files", 2005) with the delimiter
/// given: the first non-blank line names the columns; each later non-blank line is a record with one field per
/// column. A field may be in double quotes, which lets it hold the delimiter, line breaks and quotes (written twice,
/// <c>""</c>); a quote anywhere else in a field is an ordinary character. Lines end in <c>\n</c> or <c>\r\n</c>;
/// a line break inside quotes is read as <c>\n</c>. Header names are trimmed of surrounding whitespace.
/// </para>
/// <para>
/// Every problem in the file is an <see cref="InvalidDataException"/> whose message is one line naming the file, the
/// line and the column: <c>data.csv:12: column 'price': 'abc' is not a number.</c> A ragged row leaves the reader
/// on the next record, so a caller may skip it; after any other error the reader cannot continue.
/// </para>
/// <para>
/// <see cref="Read"/> allocates nothing: the record stays in one reused buffer (it grows only to the longest record,
/// at most 64 Mi characters), quoted fields are unescaped in place, and <see cref="Field"/> returns a span into it,
/// valid until the next <see cref="Read"/>.
/// </para>
/// </remarks>
public sealed class DelimitedReader : IDisposable
{
    private readonly TextReader _reader;
    private readonly TextBuffer _text;
    private readonly string[] _columns;
    private readonly Dictionary<string, int> _index;
    private int[] _starts = new int[16];    // field i is _text.Span[_starts[i] .. _starts[i] + _lengths[i]]
    private int[] _lengths = new int[16];
    private bool _growFields = true;        // while the header is read; records keep only the header's count
    private int _fieldCount;                // fields of the current record, counted past the stored ones
    private int _consumed;                  // characters of the current record and its line break
    private long _line = 1;                 // where the current record starts
    private long _scanLine = 1;             // the line being read
    private bool _hasRecord;
    private bool _disposed;

    /// <summary>Opens the CSV or TSV file at <paramref name="path"/>.</summary>
    /// <param name="path">The file; <c>.tsv</c> and <c>.tab</c> files are tab-separated, others comma-separated.</param>
    /// <returns>A reader positioned after the header.</returns>
    /// <exception cref="FileNotFoundException">There is no such file.</exception>
    /// <exception cref="InvalidDataException">The file is empty, not UTF-8 text, or its header is invalid.</exception>
    public static DelimitedReader Open(string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        string extension = Path.GetExtension(path);
        char delimiter = extension.Equals(".tsv", StringComparison.OrdinalIgnoreCase) || extension.Equals(".tab", StringComparison.OrdinalIgnoreCase)
            ? '\t'
            : ',';
        var reader = new Utf8TextReader(new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, bufferSize: 1, FileOptions.SequentialScan));
        try
        {
            return new DelimitedReader(reader, path, delimiter);
        }
        catch
        {
            reader.Dispose();
            throw;
        }
    }

    /// <summary>Reads delimited text from <paramref name="reader"/>, which the new reader disposes; the header is read now.</summary>
    /// <param name="reader">The text; a leading byte-order mark is skipped.</param>
    /// <param name="name">The file's name, for messages.</param>
    /// <param name="delimiter">The field separator, e.g. <c>','</c> or <c>'\t'</c>; not a quote or a line break.</param>
    /// <exception cref="InvalidDataException">The text is empty or its header has an empty or repeated name.</exception>
    public DelimitedReader(TextReader reader, string name, char delimiter)
        : this(reader, name, delimiter, TextBuffer.DefaultMaxChars)
    {
    }

    /// <summary>As the public constructor, with the longest record in characters (for tests of the limit).</summary>
    internal DelimitedReader(TextReader reader, string name, char delimiter, int maxChars)
    {
        ArgumentNullException.ThrowIfNull(reader);
        ArgumentNullException.ThrowIfNull(name);
        if (delimiter is '"' or '\n' or '\r')
        {
            throw new ArgumentException($"The delimiter is {Quote([delimiter])}; it must not be a quote or a line break.", nameof(delimiter));
        }
        _reader = reader;
        _text = new TextBuffer(reader, maxChars);
        Name = name;
        Delimiter = delimiter;

        FindNewline(0);  // reads the first block, for the byte-order mark
        if (_text.Length > 0 && _text.Span[0] == '\uFEFF') _text.Advance(1);
        if (!ReadRecord()) throw Invalid($"{Name}: the file is empty; expected a header line.");

        _columns = new string[_fieldCount];
        _index = new Dictionary<string, int>(_fieldCount, StringComparer.Ordinal);
        for (int i = 0; i < _fieldCount; i++)
        {
            string column = _text.Span.Slice(_starts[i], _lengths[i]).Trim().ToString();
            if (column.Length == 0)
            {
                throw Invalid($"{Name}:{_line}: column {i + 1} of the header has no name; every column needs one.");
            }
            if (!_index.TryAdd(column, i))
            {
                throw Invalid($"{Name}:{_line}: column '{column}' appears twice in the header (columns {_index[column] + 1} and {i + 1}); column names must be distinct.");
            }
            _columns[i] = column;
        }
        _growFields = false;
    }

    /// <summary>The file's name as given, used in every message.</summary>
    public string Name { get; }

    /// <summary>The field separator.</summary>
    public char Delimiter { get; }

    /// <summary>The header's column names, in file order.</summary>
    public IReadOnlyList<string> Columns => _columns;

    /// <summary>The 1-based line where the current record starts (the header's line before the first <see cref="Read"/>).</summary>
    public long Line => _line;

    /// <summary>The size of the record buffer in characters, for tests of bounded memory.</summary>
    internal int BufferCapacity => _text.Capacity;

    /// <summary>
    /// The index of the column named <paramref name="name"/>: the exact (case-sensitive) match, or else the only
    /// case-insensitive one.
    /// </summary>
    /// <param name="name">A header name; surrounding whitespace is ignored.</param>
    /// <returns>Its index in <see cref="Columns"/>.</returns>
    /// <exception cref="InvalidDataException">No column has that name, or several do up to case.</exception>
    public int Column(string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        name = name.Trim();
        int[] matches = Matches(name);
        return matches.Length switch
        {
            1 => matches[0],
            0 => throw Invalid($"{Name}: no column '{name}'; the columns are {List(_columns)}."),
            _ => throw Invalid($"{Name}: no column '{name}'; {matches.Length} columns differ from it only in case: {List([.. matches.Select(i => _columns[i])])}."),
        };
    }

    /// <summary>
    /// The columns a selection names, in the order it names them, each once: comma-separated items, each a column
    /// name, a glob with <c>*</c> (the matching columns in header order), or an inclusive range <c>first:last</c> by
    /// header position (<c>p00:p77</c>; an empty end means the first or last column).
    /// </summary>
    /// <param name="spec">The selection, e.g. <c>date,p*,x1:x9</c>.</param>
    /// <returns>Column indices, duplicates removed keeping the first.</returns>
    /// <exception cref="InvalidDataException">An item is empty, matches no column, or is a backwards range.</exception>
    public int[] SelectColumns(string spec)
    {
        ArgumentNullException.ThrowIfNull(spec);
        var selected = new List<int>();
        var seen = new HashSet<int>();
        foreach (string item in spec.Split(',', StringSplitOptions.TrimEntries))
        {
            foreach (int column in Select(item, spec))
            {
                if (seen.Add(column)) selected.Add(column);
            }
        }
        return [.. selected];
    }

    /// <summary>Moves to the next record, skipping blank lines.</summary>
    /// <returns>Whether there was one; false at the end of the file.</returns>
    /// <exception cref="InvalidDataException">The record is not well formed or has a different number of fields than the header.</exception>
    public bool Read()
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        _hasRecord = false;
        if (!ReadRecord()) return false;
        if (_fieldCount != _columns.Length)
        {
            throw Error($"{Count(_fieldCount, "field")}; the header has {_columns.Length} (ragged row).");
        }
        _hasRecord = true;
        return true;
    }

    /// <summary>The text of a field of the current record, unquoted; valid until the next <see cref="Read"/>.</summary>
    /// <param name="column">A column index, from <see cref="Column"/>.</param>
    /// <returns>The field's characters.</returns>
    public ReadOnlySpan<char> Field(int column)
    {
        if (!_hasRecord)
        {
            throw new InvalidOperationException("There is no current record; call Read() and use the fields only while it returns true.");
        }
        CheckColumn(column);
        return _text.Span.Slice(_starts[column], _lengths[column]);
    }

    /// <summary>The text of a field of the current record as a string.</summary>
    /// <param name="column">A column index.</param>
    /// <returns>The field's text, unquoted.</returns>
    public string Text(int column) => Field(column).ToString();

    /// <summary>
    /// Whether a field of the current record is missing: empty or whitespace, or (ignoring case and surrounding
    /// whitespace) <c>NA</c>, <c>N/A</c>, <c>NaN</c> or <c>null</c>.
    /// </summary>
    /// <param name="column">A column index.</param>
    /// <returns>Whether the value is missing.</returns>
    public bool IsMissing(int column) => IsMissing(Field(column));

    /// <summary>A field of the current record as a finite number, parsed in the invariant culture (<c>-1.5e3</c>).</summary>
    /// <param name="column">A column index.</param>
    /// <returns>The number.</returns>
    /// <exception cref="InvalidDataException">The value is missing, not a number, or not finite.</exception>
    public double Number(int column)
    {
        ReadOnlySpan<char> field = Field(column);
        if (IsMissing(field)) throw Error(column, "missing value.");
        if (!double.TryParse(field, NumberStyles.Float, CultureInfo.InvariantCulture, out double value))
        {
            bool decimalComma = field.Contains(',') && double.TryParse(field.ToString().Replace(',', '.'), NumberStyles.Float, CultureInfo.InvariantCulture, out _);
            throw Error(column, decimalComma ? $"{Quote(field)} is not a number (the decimal separator is '.')." : $"{Quote(field)} is not a number.");
        }
        if (!double.IsFinite(value)) throw Error(column, $"{Quote(field)} is not a finite number.");
        return value;
    }

    /// <summary>The error <c>{Name}:{Line}: column '{column}': {problem}</c>, for the caller to throw.</summary>
    /// <param name="column">A column index.</param>
    /// <param name="problem">What is wrong, a sentence ending in a period.</param>
    /// <returns>The exception.</returns>
    public InvalidDataException Error(int column, string problem)
    {
        CheckColumn(column);
        return Invalid($"{Name}:{_line}: column '{_columns[column]}': {problem}");
    }

    /// <summary>The error <c>{Name}:{Line}: {problem}</c>, for the caller to throw.</summary>
    /// <param name="problem">What is wrong, a sentence ending in a period.</param>
    /// <returns>The exception.</returns>
    public InvalidDataException Error(string problem) => Invalid($"{Name}:{_line}: {problem}");

    /// <summary>Closes the file (disposes the <see cref="TextReader"/>).</summary>
    public void Dispose()
    {
        if (_disposed) return;
        _disposed = true;
        _hasRecord = false;
        _reader.Dispose();
    }

    /// <inheritdoc/>
    public override string ToString() => $"DelimitedReader({Name}, {Count(_columns.Length, "column")}, line {_line})";

    private static bool IsMissing(ReadOnlySpan<char> field)
    {
        field = field.Trim();
        return field.IsEmpty
            || field.Equals("NA", StringComparison.OrdinalIgnoreCase)
            || field.Equals("N/A", StringComparison.OrdinalIgnoreCase)
            || field.Equals("NaN", StringComparison.OrdinalIgnoreCase)
            || field.Equals("null", StringComparison.OrdinalIgnoreCase);
    }

    private void CheckColumn(int column)
    {
        if ((uint)column >= (uint)_columns.Length)
        {
            throw new ArgumentOutOfRangeException(nameof(column), $"Column {column} is outside the file's {_columns.Length} columns [0, {_columns.Length}).");
        }
    }

    /// <summary>The exact match of <paramref name="name"/>, or else every case-insensitive one.</summary>
    private int[] Matches(string name)
    {
        if (_index.TryGetValue(name, out int exact)) return [exact];
        return [.. Enumerable.Range(0, _columns.Length).Where(i => string.Equals(_columns[i], name, StringComparison.OrdinalIgnoreCase))];
    }

    /// <summary>The columns one item of a selection names.</summary>
    private IEnumerable<int> Select(string item, string spec)
    {
        if (item.Length == 0) throw Invalid($"{Name}: the column selection '{spec}' has an empty item.");
        if (_index.TryGetValue(item, out int exact)) return [exact];
        if (item.Contains('*'))
        {
            int[] globbed = [.. Enumerable.Range(0, _columns.Length).Where(i => Glob(item, _columns[i], ignoreCase: false))];
            if (globbed.Length == 0) globbed = [.. Enumerable.Range(0, _columns.Length).Where(i => Glob(item, _columns[i], ignoreCase: true))];
            if (globbed.Length == 0) throw Invalid($"{Name}: no column matches '{item}'; the columns are {List(_columns)}.");
            return globbed;
        }
        int colon = item.IndexOf(':', StringComparison.Ordinal);
        if (colon < 0) return [Column(item)];
        string firstName = item[..colon].Trim(), lastName = item[(colon + 1)..].Trim();
        int first = firstName.Length == 0 ? 0 : RangeEnd(firstName, item);
        int last = lastName.Length == 0 ? _columns.Length - 1 : RangeEnd(lastName, item);
        if (first > last)
        {
            throw Invalid($"{Name}: the column range '{item}' runs backwards: '{_columns[last]}' is column {last + 1} and '{_columns[first]}' column {first + 1}.");
        }
        return Enumerable.Range(first, last - first + 1);
    }

    private int RangeEnd(string name, string item)
    {
        int[] matches = Matches(name);
        if (matches.Length == 1) return matches[0];
        throw Invalid($"{Name}: no column '{name}' (in the range '{item}'); the columns are {List(_columns)}.");
    }

    /// <summary>Whether <paramref name="text"/> matches <paramref name="pattern"/>, in which <c>*</c> matches any characters.</summary>
    internal static bool Glob(ReadOnlySpan<char> pattern, ReadOnlySpan<char> text, bool ignoreCase)
    {
        int p = 0, t = 0, star = -1, mark = 0;
        while (t < text.Length)
        {
            if (p < pattern.Length && pattern[p] == '*')
            {
                star = p++;
                mark = t;
            }
            else if (p < pattern.Length && (pattern[p] == text[t] || (ignoreCase && char.ToUpperInvariant(pattern[p]) == char.ToUpperInvariant(text[t]))))
            {
                p++;
                t++;
            }
            else if (star >= 0)
            {
                p = star + 1;
                t = ++mark;
            }
            else
            {
                return false;
            }
        }
        while (p < pattern.Length && pattern[p] == '*') p++;
        return p == pattern.Length;
    }

    /// <summary>Reads the next non-blank record's fields into <c>_starts</c>/<c>_lengths</c>; false at the end of the text.</summary>
    private bool ReadRecord()
    {
        _text.Advance(_consumed);
        _consumed = 0;
        int newline;
        while (true)
        {
            newline = FindNewline(0);
            if (newline == TextBuffer.TooLong)
            {
                throw Invalid($"{Name}:{_scanLine}: a line longer than {_text.MaxChars} characters; expected lines of delimited text.");
            }
            int lineEnd = newline < 0 ? _text.Length : newline;
            if (newline < 0 && lineEnd == 0) return false;
            if (!_text.Span[..lineEnd].IsWhiteSpace()) break;
            _text.Advance(newline < 0 ? lineEnd : newline + 1);
            _scanLine++;
        }
        _line = _scanLine;
        ParseFields(newline);
        return true;
    }

    /// <summary>
    /// Splits the record whose first line ends at <paramref name="newline"/> into fields, reading further lines while a
    /// quoted field is open. Quoted fields are unescaped in place: the write position never passes the read position.
    /// </summary>
    private void ParseFields(int newline)
    {
        int lineEnd = newline < 0 ? _text.Length : newline;
        int pos = 0, count = 0;
        while (true)
        {
            Span<char> s = _text.Span;
            if (pos < lineEnd && s[pos] == '"')
            {
                long quoteLine = _scanLine;
                int write = pos, read = pos + 1;
                while (true)
                {
                    int quote = s[read..lineEnd].IndexOf('"');
                    if (quote < 0)
                    {
                        if (newline < 0) throw FieldError(quoteLine, count, "unterminated quote: the file ends before the field's closing quote.");
                        int end = lineEnd > read && s[lineEnd - 1] == '\r' ? lineEnd - 1 : lineEnd;
                        s[read..end].CopyTo(s[write..]);
                        write += end - read;
                        s[write++] = '\n';
                        read = newline + 1;
                        _scanLine++;
                        newline = FindNewline(read);
                        if (newline == TextBuffer.TooLong)
                        {
                            throw FieldError(quoteLine, count, $"a quoted field longer than {_text.MaxChars} characters; is its closing quote missing?");
                        }
                        lineEnd = newline < 0 ? _text.Length : newline;
                        s = _text.Span;
                        continue;
                    }
                    quote += read;
                    s[read..quote].CopyTo(s[write..]);
                    write += quote - read;
                    if (quote + 1 < lineEnd && s[quote + 1] == '"')
                    {
                        s[write++] = '"';
                        read = quote + 2;
                        continue;
                    }
                    Store(count++, pos, write - pos);
                    pos = quote + 1;
                    break;
                }
                if (pos == lineEnd || (pos + 1 == lineEnd && s[pos] == '\r')) break;
                if (s[pos] != Delimiter)
                {
                    throw FieldError(_scanLine, count - 1, $"{Quote(s.Slice(pos, 1))} after the closing quote; a quoted field must end at a delimiter or the end of the line.");
                }
                pos++;
            }
            else
            {
                int delimiter = s[pos..lineEnd].IndexOf(Delimiter);
                if (delimiter >= 0)
                {
                    Store(count++, pos, delimiter);
                    pos += delimiter + 1;
                    continue;
                }
                int end = lineEnd > pos && s[lineEnd - 1] == '\r' ? lineEnd - 1 : lineEnd;
                Store(count++, pos, end - pos);
                break;
            }
        }
        _fieldCount = count;
        _consumed = newline < 0 ? _text.Length : newline + 1;
        _scanLine++;
    }

    private void Store(int field, int start, int length)
    {
        if (field >= _starts.Length)
        {
            if (!_growFields) return;
            Array.Resize(ref _starts, 2 * _starts.Length);
            Array.Resize(ref _lengths, 2 * _lengths.Length);
        }
        _starts[field] = start;
        _lengths[field] = length;
    }

    private int FindNewline(int from)
    {
        try
        {
            return _text.IndexOfNewline(from);
        }
        catch (DecoderFallbackException e)
        {
            throw Invalid($"{Name}:{_scanLine}: {e.Message}", e);
        }
    }

    /// <summary>An error in field <paramref name="field"/> (0-based) of a record, named by its column when the header has it.</summary>
    private InvalidDataException FieldError(long line, int field, string problem) =>
        _growFields || field >= _columns.Length
            ? Invalid($"{Name}:{line}: field {field + 1}: {problem}")
            : Invalid($"{Name}:{line}: column '{_columns[field]}': {problem}");
}
