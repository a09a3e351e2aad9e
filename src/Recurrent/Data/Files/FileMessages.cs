namespace Recurrent.Data.Files;

/// <summary>
/// The one-line messages of the file readers: <c>{Name}:{Line}: column 'x': problem</c>, with values quoted from the
/// file shortened and their line breaks replaced, so that the CLI can print any of them as one line.
/// </summary>
internal static class FileMessages
{
    /// <summary>The longest value quoted whole; longer ones are cut and end in "…".</summary>
    public const int QuotedLength = 40;

    /// <summary>How many names a list of columns shows before it ends in "…".</summary>
    public const int ListedNames = 20;

    /// <summary>An <see cref="InvalidDataException"/> whose message is <paramref name="message"/> on one line.</summary>
    /// <param name="message">The whole message, file name included.</param>
    /// <param name="inner">The exception that caused it, if any.</param>
    /// <returns>The exception, to throw.</returns>
    public static InvalidDataException Invalid(string message, Exception? inner = null) =>
        new(message.ReplaceLineEndings(" "), inner);

    /// <summary><paramref name="value"/> in single quotes, cut after <see cref="QuotedLength"/> characters.</summary>
    /// <param name="value">Text from the file.</param>
    /// <returns>The quoted text.</returns>
    public static string Quote(ReadOnlySpan<char> value)
    {
        if (value.Length <= QuotedLength) return $"'{value}'";
        int cut = char.IsHighSurrogate(value[QuotedLength - 1]) ? QuotedLength - 1 : QuotedLength;
        return $"'{value[..cut]}…'";
    }

    /// <summary>The names joined by commas, the first <see cref="ListedNames"/> of them, then "…" if there are more.</summary>
    /// <param name="names">Column or field names.</param>
    /// <returns>The list, e.g. <c>a, b, c</c>.</returns>
    public static string List(IReadOnlyList<string> names) =>
        names.Count <= ListedNames
            ? string.Join(", ", names)
            : string.Join(", ", names.Take(ListedNames)) + ", …";

    /// <summary><paramref name="count"/> and the noun, plural unless the count is 1: <c>1 field</c>, <c>5 fields</c>.</summary>
    /// <param name="count">How many.</param>
    /// <param name="noun">The singular noun.</param>
    /// <returns>The phrase.</returns>
    public static string Count(long count, string noun) => count == 1 ? $"1 {noun}" : $"{count} {noun}s";
}
