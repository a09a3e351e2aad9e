using System.Globalization;

namespace Recurrent.Data.Text;

/// <summary>
/// A text for a character-level language model (Karpathy, "The unreasonable effectiveness of recurrent neural
/// networks", 2015): its characters as ids of a <see cref="CharVocabulary"/>, split into a training part and a
/// validation part.
/// </summary>
/// <remarks>
/// <para>
/// The split follows nanoGPT's <c>shakespeare_char</c>: the training split is the first
/// <c>⌊N · (1 − ValidationFraction)⌋</c> characters, the validation split the rest. Keeping the
/// validation text contiguous and unseen measures how well the model continues text it has not read, rather than
/// memorised windows.
/// </para>
/// <para>
/// Three batchers read a corpus: <see cref="RandomWindowBatcher"/> (windows at random offsets),
/// <see cref="StreamBatcher"/> (contiguous streams for truncated backpropagation through time, as char-rnn does) and
/// <see cref="ValidationWindowBatcher"/> (every validation character once). A corpus that cannot train a model is
/// rejected with an <see cref="InvalidDataException"/> whose one-line message names it: an empty or binary file,
/// a single distinct character, or (when a batcher is made) a training split shorter than one window + 1.
/// </para>
/// </remarks>
public sealed class CharCorpus
{
    private readonly int[] _ids;

    private CharCorpus(string label, string name, string text, CharVocabulary vocabulary, double validationFraction)
    {
        Label = label;
        Name = name;
        Text = text;
        Vocabulary = vocabulary;
        ValidationFraction = validationFraction;
        try
        {
            _ids = vocabulary.Encode(text);
        }
        catch (ArgumentException e)
        {
            throw new InvalidDataException($"{label} does not fit the given vocabulary: {Unknown(text, vocabulary) ?? e.Message.ReplaceLineEndings(" ")}", e);
        }
        // nanoGPT's int(n * 0.9); the 1e-9 keeps products such as 10 · 0.7 = 6.9999… from losing a character.
        TrainLength = (int)Math.Floor(text.Length * (1 - validationFraction) + 1e-9);
        ValidationLength = text.Length - TrainLength;
    }

    /// <summary>Where the corpus comes from: the file path, or the name given to <see cref="FromText"/>.</summary>
    public string Name { get; }

    /// <summary>The text, as read.</summary>
    public string Text { get; }

    /// <summary>The ids of its characters.</summary>
    public CharVocabulary Vocabulary { get; }

    /// <summary>N, the number of characters.</summary>
    public int Length => _ids.Length;

    /// <summary>The share of characters, at the end of the text, held out for validation.</summary>
    public double ValidationFraction { get; }

    /// <summary>The number of characters in the training split: the first <c>⌊N · (1 − ValidationFraction)⌋</c>.</summary>
    public int TrainLength { get; }

    /// <summary>The number of characters in the validation split: the last <c>N − TrainLength</c>.</summary>
    public int ValidationLength { get; }

    /// <summary>The whole text as ids, training split then validation split.</summary>
    public ReadOnlyMemory<int> Ids => _ids;

    /// <summary>The training split: ids <c>[0, TrainLength)</c>.</summary>
    public ReadOnlyMemory<int> Train => _ids.AsMemory(0, TrainLength);

    /// <summary>The validation split: ids <c>[TrainLength, N)</c>.</summary>
    public ReadOnlyMemory<int> Validation => _ids.AsMemory(TrainLength);

    /// <summary>How error messages name the corpus: <c>Corpus file 'x.txt'</c> or <c>Corpus 'name'</c>.</summary>
    internal string Label { get; }

    /// <summary>Reads the UTF-8 text file <paramref name="path"/>.</summary>
    /// <param name="path">A UTF-8 text file (a byte-order mark is allowed and dropped).</param>
    /// <param name="validationFraction">The share held out for validation, in <c>[0, 1)</c>; nanoGPT's 0.1 by default.</param>
    /// <param name="vocabulary">The ids to use (a checkpoint's), or null to build them from the text.</param>
    /// <returns>The corpus.</returns>
    /// <exception cref="FileNotFoundException">The file does not exist.</exception>
    /// <exception cref="InvalidDataException">The file is empty, binary, UTF-16 or otherwise not UTF-8, only whitespace, has a single distinct character, or does not fit <paramref name="vocabulary"/>.</exception>
    public static CharCorpus Load(string path, double validationFraction = 0.1, CharVocabulary? vocabulary = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        CheckFraction(validationFraction);
        return Create($"Corpus file '{path}'", path, CorpusFile.ReadText(path), validationFraction, vocabulary);
    }

    /// <summary>As <see cref="Load"/>, from the bytes of a corpus file; <paramref name="path"/> names it in messages.</summary>
    internal static CharCorpus Parse(byte[] bytes, string path, double validationFraction = 0.1, CharVocabulary? vocabulary = null)
    {
        CheckFraction(validationFraction);
        return Create($"Corpus file '{path}'", path, CorpusFile.Decode(bytes, path), validationFraction, vocabulary);
    }

    /// <summary>A corpus over <paramref name="text"/>, for tests and for texts built in memory.</summary>
    /// <param name="text">The text.</param>
    /// <param name="name">How messages and logs name it.</param>
    /// <param name="validationFraction">The share held out for validation, in <c>[0, 1)</c>.</param>
    /// <param name="vocabulary">The ids to use, or null to build them from the text.</param>
    /// <returns>The corpus.</returns>
    public static CharCorpus FromText(string text, string name = "text", double validationFraction = 0.1, CharVocabulary? vocabulary = null)
    {
        ArgumentNullException.ThrowIfNull(text);
        ArgumentNullException.ThrowIfNull(name);
        CheckFraction(validationFraction);
        string label = $"Corpus '{name}'";
        if (text.Length == 0) throw new InvalidDataException($"{label} is empty; a character corpus needs text.");
        int nul = text.IndexOf('\0', StringComparison.Ordinal);
        if (nul >= 0) throw new InvalidDataException($"{label} looks binary: it has a NUL character at position {nul}; expected text.");
        return Create(label, name, text, validationFraction, vocabulary);
    }

    /// <summary>Throws, naming the corpus, when the training split has fewer than <paramref name="needed"/> characters.</summary>
    /// <param name="needed">The characters a batcher needs.</param>
    /// <param name="why">What needs them, such as "a window of T = 64".</param>
    internal void RequireTrainLength(long needed, string why)
    {
        if (TrainLength < needed)
        {
            throw new InvalidDataException(string.Create(CultureInfo.InvariantCulture,
                $"{Label} is too short: its training split has {TrainLength} characters; {why} needs at least {needed}."));
        }
    }

    /// <inheritdoc/>
    public override string ToString() => string.Create(CultureInfo.InvariantCulture,
        $"{Name}: {Length} characters, V = {Vocabulary.Count}, train {TrainLength}, validation {ValidationLength}");

    private static CharCorpus Create(string label, string name, string text, double validationFraction, CharVocabulary? vocabulary)
    {
        if (!text.AsSpan().ContainsAnyExcept(text[0]))
        {
            throw new InvalidDataException(
                $"{label} has a single distinct character ({CharVocabulary.Describe(text[0])}); a language model needs at least 2.");
        }
        return new CharCorpus(label, name, text, vocabulary ?? CharVocabulary.FromText(text), validationFraction);
    }

    /// <summary>Names the first character of <paramref name="text"/> outside <paramref name="vocabulary"/>, by position, line and column.</summary>
    private static string? Unknown(string text, CharVocabulary vocabulary)
    {
        int i = 0;
        while (i < text.Length && vocabulary.Contains(text[i])) i++;
        if (i == text.Length) return null;
        int line = 1 + text.AsSpan(0, i).Count('\n');
        int column = i - (i == 0 ? 0 : text.LastIndexOf('\n', i - 1) + 1) + 1;
        return string.Create(CultureInfo.InvariantCulture,
            $"character {CharVocabulary.Describe(text[i])} at position {i} (line {line}, column {column}) is not among its {vocabulary.Count} characters.");
    }

    private static void CheckFraction(double validationFraction)
    {
        if (!(validationFraction >= 0 && validationFraction < 1))
        {
            throw new ArgumentOutOfRangeException(nameof(validationFraction),
                string.Create(CultureInfo.InvariantCulture, $"validationFraction is {validationFraction}; expected a value in [0, 1)."));
        }
    }
}
