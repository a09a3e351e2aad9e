namespace Recurrent.Onnx.Export;

/// <summary>
/// Writes an exported file all at once or not at all: to a temporary file in the same folder, flushed, then renamed
/// over the target, so an error mid-write never leaves a truncated <c>.onnx</c> that a runtime would reject later.
/// </summary>
internal static class OnnxFile
{
    public static void Write(string path, Action<Stream> write)
    {
        string target = Path.GetFullPath(path);
        string folder = Path.GetDirectoryName(target) ?? throw new ArgumentException($"'{path}' names no file.", nameof(path));
        string temporary = Path.Combine(folder, $".{Path.GetFileName(target)}.{Guid.NewGuid():N}.tmp");
        try
        {
            using (var stream = new FileStream(temporary, FileMode.CreateNew, FileAccess.Write, FileShare.None, bufferSize: 1 << 16))
            {
                write(stream);
                stream.Flush(flushToDisk: true);
            }
            File.Move(temporary, target, overwrite: true);
        }
        catch (Exception e)
        {
            try
            {
                File.Delete(temporary);
            }
            catch (Exception cleanup) when (cleanup is IOException or UnauthorizedAccessException)
            {
                // The original error matters more than a leftover temporary file.
            }
            if (e is IOException io and not FileNotFoundException and not DirectoryNotFoundException)
            {
                throw new IOException($"{Path.GetFileName(target)}: writing failed ({io.Message.TrimEnd('.')}).", io);
            }
            throw;
        }
    }
}
