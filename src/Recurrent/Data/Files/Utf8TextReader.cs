using System.Buffers;
using System.Text;
using System.Text.Unicode;

namespace Recurrent.Data.Files;

/// <summary>
/// Strict UTF-8 text from a stream, a leading byte-order mark dropped, for <see cref="DelimitedReader.Open"/> and
/// <see cref="JsonLinesReader.Open"/>.
/// </summary>
/// <remarks>
/// Unlike a <see cref="StreamReader"/>, which decodes a whole block at once and so fails before returning the valid
/// text in front of a bad byte, this reader returns every character up to the bad byte and throws only when asked
/// for more: the caller then knows the line the bad byte is on. The error is a <see cref="DecoderFallbackException"/>
/// with a one-line message giving the byte and its offset in the file.
/// </remarks>
internal sealed class Utf8TextReader : TextReader
{
    private readonly Stream _stream;
    private readonly byte[] _bytes = new byte[1 << 16];
    private int _start;
    private int _end;
    private long _offset;       // the file offset of _bytes[0]
    private bool _eof;
    private bool _started;
    private int _pending = -1;  // the second half of a surrogate pair that ReadFew could not return

    /// <summary>Reads <paramref name="stream"/>, which the reader disposes.</summary>
    /// <param name="stream">UTF-8 bytes, with or without a byte-order mark.</param>
    public Utf8TextReader(Stream stream) => _stream = stream;

    /// <inheritdoc/>
    public override int Read(Span<char> buffer)
    {
        if (_pending >= 0 && !buffer.IsEmpty)
        {
            buffer[0] = (char)_pending;
            _pending = -1;
            return 1;
        }
        if (buffer.Length < 2) return ReadFew(buffer);
        while (true)
        {
            if (!_started)
            {
                _started = true;
                FillBytes(3);
                ReadOnlySpan<byte> head = _bytes.AsSpan(_start, _end - _start);
                if (head.StartsWith([(byte)0xFF, (byte)0xFE]) || head.StartsWith([(byte)0xFE, (byte)0xFF]))
                {
                    throw new DecoderFallbackException(
                        $"the file starts with the UTF-16 byte-order mark 0x{head[0]:X2} 0x{head[1]:X2}; expected UTF-8 text (convert it with iconv -f UTF-16 -t UTF-8).",
                        head[..2].ToArray(), 0);
                }
                if (head.StartsWith("\uFEFF"u8)) _start += 3;
            }
            OperationStatus status = Utf8.ToUtf16(_bytes.AsSpan(_start, _end - _start), buffer, out int read, out int written,
                replaceInvalidSequences: false, isFinalBlock: _eof);
            _start += read;
            if (written > 0) return written;
            switch (status)
            {
                case OperationStatus.Done:
                    if (_eof) return 0;
                    FillBytes(1);
                    break;
                case OperationStatus.NeedMoreData:
                    FillBytes(_end - _start + 1);
                    break;
                default:
                    long offset = _offset + _start;
                    throw new DecoderFallbackException(
                        $"invalid UTF-8 byte 0x{_bytes[_start]:X2} at byte {offset} of the file; expected UTF-8 text.",
                        [_bytes[_start]], 0);
            }
        }
    }

    /// <inheritdoc/>
    public override int Read(char[] buffer, int index, int count) => Read(buffer.AsSpan(index, count));

    /// <inheritdoc/>
    public override int Read()
    {
        Span<char> one = stackalloc char[1];
        return Read(one) == 0 ? -1 : one[0];
    }

    /// <inheritdoc/>
    protected override void Dispose(bool disposing)
    {
        if (disposing) _stream.Dispose();
        base.Dispose(disposing);
    }

    /// <summary>Reads into a buffer too small for a surrogate pair through a two-character one (rare: TextReader.Read()).</summary>
    private int ReadFew(Span<char> buffer)
    {
        if (buffer.IsEmpty) return 0;
        Span<char> two = stackalloc char[2];
        int n = Read(two);
        if (n == 0) return 0;
        buffer[0] = two[0];
        if (n == 2) _pending = two[1];
        return 1;
    }

    /// <summary>Reads until at least <paramref name="count"/> bytes are buffered or the stream ends.</summary>
    private void FillBytes(int count)
    {
        if (_start > 0)
        {
            _bytes.AsSpan(_start, _end - _start).CopyTo(_bytes);
            _offset += _start;
            _end -= _start;
            _start = 0;
        }
        while (!_eof && _end < count)
        {
            int n = _stream.Read(_bytes, _end, _bytes.Length - _end);
            if (n == 0) _eof = true;
            _end += n;
        }
    }
}
