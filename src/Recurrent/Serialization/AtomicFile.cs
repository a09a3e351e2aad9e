namespace Recurrent.Serialization;

/// <summary>
/// Replaces a file all at once or not at all: the content goes to a temporary file in the same folder, is flushed to
/// disk, and is renamed over the target, so a crash or an error mid-write leaves the previous file intact (a checkpoint
/// that a training run overwrites every few minutes must never be found half written). Public so that the libraries
/// on top (ONNX export) and applications write their files the same way.
/// </summary>
public static class AtomicFile
{
    /// <summary>Writes <paramref name="path"/> with <paramref name="write"/>, atomically.</summary>
    /// <param name="path">The file to create or replace.</param>
    /// <param name="write">Writes the whole content to the stream it is given.</param>
    public static void Write(string path, Action<Stream> write)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        ArgumentNullException.ThrowIfNull(write);
        string target = Path.GetFullPath(path);
        string folder = Path.GetDirectoryName(target) ?? throw new ArgumentException($"'{path}' names no file.", nameof(path));
        // The same folder, hence the same file system: the rename is atomic there.
        string temporary = Path.Combine(folder, $".{Path.GetFileName(target)}.{Guid.NewGuid():N}.tmp");
        try
        {
            using (var stream = new FileStream(temporary, FileMode.CreateNew, FileAccess.Write, FileShare.None, bufferSize: 1 << 16))
            {
                write(stream);
                stream.Flush(flushToDisk: true);
            }
            File.Move(temporary, target, overwrite: true);
            // The data was flushed before the rename; flushing the directory makes the rename itself durable.
            DirectorySync.Flush(folder);
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
            // A full disk or a failing device: say which file, and that the previous one is untouched.
            if (e is IOException io and not FileNotFoundException and not DirectoryNotFoundException)
            {
                throw new IOException($"{Path.GetFileName(target)}: writing failed ({io.Message.TrimEnd('.')}); the previous {Path.GetFileName(target)}, if any, is unchanged.", io);
            }
            throw;
        }
    }
}
