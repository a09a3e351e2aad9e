namespace Recurrent.Data.Files;

/// <summary>
/// A sliding window over a <see cref="TextReader"/> for the line-oriented readers: the text from the start of the
/// current record to what has been read so far, in one reused buffer that grows only to the longest record.
/// </summary>
/// <remarks>
/// Positions are relative to the record's start (<see cref="Span"/>[0]), so they survive the buffer being compacted
/// or grown while a record spanning several lines is read. Memory is bounded by the longest record (at most
/// <see cref="MaxChars"/>), never by the file.
/// </remarks>
internal sealed class TextBuffer
{
    /// <summary>The first buffer's size in characters.</summary>
    public const int InitialChars = 1 << 16;

    /// <summary>The default limit on one record's length, in characters (128 MB of UTF-16).</summary>
    public const int DefaultMaxChars = 1 << 26;

    /// <summary>What <see cref="IndexOfNewline"/> returns when the text ends before a newline.</summary>
    public const int EndOfText = -1;

    /// <summary>What <see cref="IndexOfNewline"/> returns when the record would grow past <see cref="MaxChars"/>.</summary>
    public const int TooLong = -2;

    private readonly TextReader _reader;
    private char[] _chars;
    private int _start;   // the record's first character in _chars
    private int _end;     // one past the last character read
    private bool _eof;

    /// <summary>Creates a window over <paramref name="reader"/>.</summary>
    /// <param name="reader">The text.</param>
    /// <param name="maxChars">The longest record, in characters.</param>
    public TextBuffer(TextReader reader, int maxChars = DefaultMaxChars)
    {
        _reader = reader;
        MaxChars = maxChars;
        _chars = new char[Math.Min(InitialChars, maxChars)];
    }

    /// <summary>The longest record, in characters.</summary>
    public int MaxChars { get; }

    /// <summary>The characters read from the record's start on.</summary>
    public Span<char> Span => _chars.AsSpan(_start, _end - _start);

    /// <summary>The number of characters in <see cref="Span"/>.</summary>
    public int Length => _end - _start;

    /// <summary>The size of the buffer, for tests of bounded memory.</summary>
    public int Capacity => _chars.Length;

    /// <summary>
    /// The position of the first <c>'\n'</c> at or after <paramref name="from"/>, reading more text as needed;
    /// <see cref="EndOfText"/> when the text ends first (the line then ends at <see cref="Length"/>), or
    /// <see cref="TooLong"/> when the record would outgrow <see cref="MaxChars"/>.
    /// </summary>
    /// <param name="from">A position in <c>[0, Length]</c>.</param>
    /// <returns>A position relative to the record's start, or a negative status.</returns>
    /// <exception cref="System.Text.DecoderFallbackException">The reader met bytes that are not text.</exception>
    public int IndexOfNewline(int from)
    {
        while (true)
        {
            int i = _chars.AsSpan(_start + from, _end - _start - from).IndexOf('\n');
            if (i >= 0) return from + i;
            from = _end - _start;
            int status = Fill();
            if (status <= 0) return status == 0 ? EndOfText : TooLong;
        }
    }

    /// <summary>Drops the first <paramref name="count"/> characters: the next record starts after them.</summary>
    /// <param name="count">At most <see cref="Length"/>.</param>
    public void Advance(int count) => _start += count;

    /// <summary>Reads more text after <c>_end</c>: 1 when some was read, 0 at the end of the text, -1 when full.</summary>
    private int Fill()
    {
        if (_eof) return 0;
        if (_start > 0)
        {
            _chars.AsSpan(_start, _end - _start).CopyTo(_chars);
            _end -= _start;
            _start = 0;
        }
        if (_end == _chars.Length)
        {
            if (_chars.Length >= MaxChars) return -1;
            Array.Resize(ref _chars, (int)Math.Min(2L * _chars.Length, MaxChars));
        }
        int read = _reader.Read(_chars.AsSpan(_end));
        if (read == 0)
        {
            _eof = true;
            return 0;
        }
        _end += read;
        return 1;
    }
}
