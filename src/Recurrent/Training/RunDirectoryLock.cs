namespace Recurrent.Training;

/// <summary>
/// An exclusive lock on a run's output directory: the file <c>.lock</c> in it, held open with no sharing while a
/// run writes there. A second run pointed at the same directory gets a one-line error instead of overwriting the
/// first one's checkpoints. The operating system releases the lock when the process ends, even by <c>kill -9</c>, so a
/// killed run never leaves its directory locked.
/// </summary>
public sealed class RunDirectoryLock : IDisposable
{
    /// <summary>The lock file's name.</summary>
    public const string FileName = ".lock";

    private readonly FileStream _file;

    private RunDirectoryLock(FileStream file) => _file = file;

    /// <summary>Creates <paramref name="directory"/> if needed and takes its lock.</summary>
    /// <param name="directory">The run's output directory.</param>
    /// <returns>The lock; dispose it to release.</returns>
    /// <exception cref="IOException">Another run holds the lock.</exception>
    public static RunDirectoryLock Acquire(string directory)
    {
        ArgumentException.ThrowIfNullOrEmpty(directory);
        Directory.CreateDirectory(directory);
        string path = Path.Combine(directory, FileName);
        try
        {
            // FileShare.None is an exclusive advisory lock (flock) on Unix and a sharing lock on Windows.
            return new RunDirectoryLock(new FileStream(path, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None));
        }
        catch (IOException e)
        {
            throw new IOException($"{directory} is in use by another training run (it holds {FileName}); wait for that run, or choose another output directory.", e);
        }
    }

    /// <summary>Releases the lock (the file stays; an unlocked <c>.lock</c> means nothing).</summary>
    public void Dispose() => _file.Dispose();
}
