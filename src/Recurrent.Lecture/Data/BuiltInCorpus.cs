using System.Reflection;
using System.Text;
using Recurrent.Data.Text;

namespace Recurrent.Lecture.Data;

/// <summary>
/// The default corpus of the character-level language model: Recurrent's own C# sources, concatenated, so that
/// <c>recurrent charlm train</c> runs on a fresh machine with nothing to download. Karpathy's char-rnn post (2015)
/// trained on the Linux kernel's C sources the same way.
/// </summary>
/// <remarks>
/// <para>
/// The text is every <c>.cs</c> file of a tree, in ordinal order of its path relative to the tree's root (with
/// <c>/</c> separators), each preceded by a line <c>// File: Recurrent/Tensors/Rng.cs</c> and with its line endings
/// normalised to <c>\n</c> and its byte-order mark dropped, so the corpus is the same on every machine.
/// Directories named <c>bin</c> or <c>obj</c>, or starting with a dot, are skipped (they hold build output).
/// </para>
/// <para>
/// <see cref="FromDirectory"/> builds it from a checkout. <see cref="Text"/> builds it from the library's embedded
/// resources named <see cref="ResourcePrefix"/> + relative path, which the library's project file must declare:
/// <code>
/// &lt;EmbeddedResource Include="../**/*.cs" Exclude="../**/bin/**;../**/obj/**"
///                   LogicalName="Recurrent.BuiltInCorpus/%(RecursiveDir)%(Filename)%(Extension)" /&gt;
/// </code>
/// (in <c>src/Recurrent.Lecture/Recurrent.Lecture.csproj</c>: every C# file under <c>src/</c>, named relative to <c>src/</c>, so that
/// <c>Text</c> equals <c>FromDirectory("src")</c>).
/// </para>
/// </remarks>
public static class BuiltInCorpus
{
    /// <summary>The prefix of the embedded resources that hold the sources.</summary>
    public const string ResourcePrefix = "Recurrent.BuiltInCorpus/";

    /// <summary>How messages and logs name the built-in corpus.</summary>
    public const string Name = "built-in corpus (Recurrent's C# sources)";

    private static readonly Lazy<string?> Embedded = new(ReadEmbedded);

    /// <summary>Whether the library carries its sources as embedded resources.</summary>
    public static bool IsAvailable => Embedded.Value is not null;

    /// <summary>The concatenated sources embedded in the library.</summary>
    /// <exception cref="InvalidOperationException">The library was built without the resources.</exception>
    public static string Text => Embedded.Value ?? throw new InvalidOperationException(
        $"This build of Recurrent carries no built-in corpus (no embedded resources named {ResourcePrefix}*); " +
        "give a corpus file, or build with the EmbeddedResource item described in BuiltInCorpus's documentation.");

    /// <summary>The built-in corpus as a character corpus, split for training and validation.</summary>
    /// <param name="validationFraction">The share held out for validation, in <c>[0, 1)</c>.</param>
    /// <param name="vocabulary">The ids to use, or null to build them from the text.</param>
    /// <returns>The corpus.</returns>
    public static CharCorpus Load(double validationFraction = 0.1, CharVocabulary? vocabulary = null) =>
        CharCorpus.FromText(Text, Name, validationFraction, vocabulary);

    /// <summary>
    /// A corpus of the C# files under <paramref name="directory"/>, concatenated in path order
    /// (<see cref="FromDirectory"/>): Karpathy trained on the Linux sources; Recurrent can train on its own.
    /// </summary>
    /// <param name="directory">A source tree, such as the repository's <c>src</c>.</param>
    /// <param name="validationFraction">The share held out for validation, in <c>[0, 1)</c>.</param>
    /// <param name="vocabulary">The ids to use, or null to build them from the text.</param>
    /// <returns>The corpus, named after the directory.</returns>
    public static CharCorpus LoadSourceTree(string directory, double validationFraction = 0.1, CharVocabulary? vocabulary = null) =>
        CharCorpus.FromText(FromDirectory(directory), $"C# sources under {directory}", validationFraction, vocabulary);

    /// <summary>The concatenated C# sources under <paramref name="directory"/>.</summary>
    /// <param name="directory">The root of a source tree.</param>
    /// <returns>The corpus text.</returns>
    /// <exception cref="DirectoryNotFoundException">The directory does not exist.</exception>
    /// <exception cref="InvalidDataException">It holds no C# file.</exception>
    public static string FromDirectory(string directory)
    {
        ArgumentException.ThrowIfNullOrEmpty(directory);
        if (!Directory.Exists(directory))
        {
            throw new DirectoryNotFoundException($"Source directory '{directory}' does not exist.");
        }
        var files = new List<(string, string)>();
        foreach (string path in Directory.EnumerateFiles(directory, "*.cs", SearchOption.AllDirectories))
        {
            string relative = Path.GetRelativePath(directory, path).Replace('\\', '/');
            if (IsExcluded(relative)) continue;
            files.Add((relative, File.ReadAllText(path, Encoding.UTF8)));
        }
        if (files.Count == 0)
        {
            throw new InvalidDataException($"Source directory '{directory}' holds no .cs file outside bin/ and obj/.");
        }
        return Concatenate(files);
    }

    /// <summary>
    /// Joins <paramref name="files"/> (path relative to the root, content) into the corpus: sorted by path, each after
    /// a <c>// File: path</c> line, line endings normalised to <c>\n</c>, byte-order marks dropped.
    /// </summary>
    /// <param name="files">The sources.</param>
    /// <returns>The corpus text.</returns>
    internal static string Concatenate(IEnumerable<(string RelativePath, string Content)> files)
    {
        var text = new StringBuilder();
        foreach ((string path, string content) in files.OrderBy(f => f.RelativePath, StringComparer.Ordinal))
        {
            string body = content.TrimStart('\uFEFF').ReplaceLineEndings("\n");
            text.Append("// File: ").Append(path).Append('\n').Append(body);
            if (!body.EndsWith('\n')) text.Append('\n');
        }
        return text.ToString();
    }

    /// <summary>
    /// Build output, hidden folders, and generated code (<c>*.g.cs</c>, such as the ONNX schema's 10,000 lines of
    /// protobuf classes): the corpus is the code people wrote, and the project file excludes the same.
    /// </summary>
    private static bool IsExcluded(string relativePath)
    {
        if (relativePath.EndsWith(".g.cs", StringComparison.Ordinal)) return true;
        string[] parts = relativePath.Split('/');
        for (int i = 0; i < parts.Length - 1; i++)
        {
            if (parts[i] is "bin" or "obj" || parts[i].StartsWith('.')) return true;
        }
        return false;
    }

    private static string? ReadEmbedded()
    {
        Assembly assembly = typeof(BuiltInCorpus).Assembly;
        var files = new List<(string, string)>();
        foreach (string resource in assembly.GetManifestResourceNames())
        {
            if (!resource.StartsWith(ResourcePrefix, StringComparison.Ordinal)) continue;
            string relative = resource[ResourcePrefix.Length..].Replace('\\', '/');
            if (IsExcluded(relative)) continue;
            using Stream stream = assembly.GetManifestResourceStream(resource)!;
            using var reader = new StreamReader(stream, Encoding.UTF8);
            files.Add((relative, reader.ReadToEnd()));
        }
        return files.Count == 0 ? null : Concatenate(files);
    }
}
