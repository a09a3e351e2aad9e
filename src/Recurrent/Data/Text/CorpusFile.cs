using System.Buffers;
using System.Text.Unicode;

namespace Recurrent.Data.Text;

/// <summary>
/// Reads a corpus file as text, rejecting what cannot be a text corpus (a missing, empty, binary, UTF-16, not UTF-8
/// or whitespace-only file) with a one-line message that names the file and the offset, for <see cref="CharCorpus.Load"/>.
/// </summary>
internal static class CorpusFile
{
    /// <summary>The file's text: strict UTF-8, a leading byte-order mark dropped, line endings kept as they are.</summary>
    /// <param name="path">The file.</param>
    /// <returns>The decoded text.</returns>
    public static string ReadText(string path)
    {
        if (!File.Exists(path))
        {
            throw new FileNotFoundException(
                Directory.Exists(path)
                    ? $"Corpus file '{path}' is a directory; expected a UTF-8 text file."
                    : $"Corpus file '{path}' does not exist.",
                path);
        }
        return Decode(File.ReadAllBytes(path), path);
    }

    /// <summary>The text of a corpus file's <paramref name="bytes"/>, checked as <see cref="ReadText"/> does; <paramref name="path"/> names it.</summary>
    /// <param name="bytes">The whole file.</param>
    /// <param name="path">The file's name, for messages.</param>
    /// <returns>The decoded text.</returns>
    public static string Decode(byte[] bytes, string path)
    {
        ReadOnlySpan<byte> utf8 = bytes;
        if (utf8.StartsWith([(byte)0xFF, (byte)0xFE]) || utf8.StartsWith([(byte)0xFE, (byte)0xFF]))
        {
            throw new InvalidDataException(
                $"Corpus file '{path}' starts with the UTF-16 byte-order mark 0x{bytes[0]:X2} 0x{bytes[1]:X2} at offset 0; expected UTF-8 text (convert it with iconv -f UTF-16 -t UTF-8).");
        }
        if (utf8.StartsWith("\uFEFF"u8)) utf8 = utf8[3..];
        if (utf8.IsEmpty)
        {
            throw new InvalidDataException($"Corpus file '{path}' is empty; a character corpus needs text.");
        }
        int nul = utf8.IndexOf((byte)0);
        if (nul >= 0)
        {
            throw new InvalidDataException(
                $"Corpus file '{path}' looks binary: it has a NUL byte at offset {nul + bytes.Length - utf8.Length}; expected UTF-8 text.");
        }
        var chars = new char[utf8.Length]; // UTF-8 never needs more UTF-16 units than bytes
        OperationStatus status = Utf8.ToUtf16(utf8, chars, out int read, out int written, replaceInvalidSequences: false);
        if (status != OperationStatus.Done)
        {
            int offset = read + bytes.Length - utf8.Length;
            throw new InvalidDataException(
                $"Corpus file '{path}' is not UTF-8 text: invalid byte 0x{bytes[offset]:X2} at offset {offset}.");
        }
        if (chars.AsSpan(0, written).IsWhiteSpace())
        {
            throw new InvalidDataException($"Corpus file '{path}' holds only whitespace ({written} characters); a character corpus needs text.");
        }
        return new string(chars, 0, written);
    }
}
