using System.Text;

namespace Recurrent.Cli;

/// <summary>
/// Writes a small output file whole or not at all: into a temporary name beside it, then renamed over it, so that a
/// killed command never leaves a half-written run file or split.
/// </summary>
internal static class OutputFile
{
    public static void WriteAllText(string path, string text) => Write(path, writer => writer.Write(text));

    public static void Write(string path, Action<TextWriter> write)
    {
        string temporary = path + ".tmp"; // a stale one, left by a killed run, is simply overwritten
        using (var writer = new StreamWriter(temporary, false, new UTF8Encoding(false))) write(writer);
        File.Move(temporary, path, overwrite: true);
    }
}
