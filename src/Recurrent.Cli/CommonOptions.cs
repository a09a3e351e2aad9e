using System.CommandLine;

namespace Recurrent.Cli;

/// <summary>Options that several commands share, and the checks that turn bad values into one-line errors.</summary>
internal static class CommonOptions
{
    public static Option<int?> Threads() => new("--threads")
    {
        Description = $"Threads for the kernels (default: all {Environment.ProcessorCount} cores).",
    };

    public static Option<bool> Int8() => new("--int8")
    {
        Description = "Run the model's LSTM layers in int8 (dynamic quantization of a copy: int8 weights per channel, activations per step; LSTM only).",
    };

    /// <summary>The model itself, or its int8 copy when <paramref name="int8"/> (a model with other cells: one line naming the cell).</summary>
    public static TModel Quantized<TModel>(TModel model, bool int8) where TModel : Recurrent.Layers.Module<float>
    {
        if (!int8) return model;
        try
        {
            return Recurrent.Models.ModelQuantization.Quantize(model);
        }
        catch (NotSupportedException e)
        {
            throw new UsageException($"--int8: {e.Message}");
        }
    }

    public static Option<bool> Json() => new("--json") { Description = "Print one JSON object per result and nothing else on stdout." };

    /// <summary>
    /// Sets <see cref="Recurrent.Tensors.Threads.DefaultMaxThreads"/> from the option and returns the number in effect.
    /// The process default, not a scope: a CLI process runs one command.
    /// </summary>
    public static int ApplyThreads(int? threads)
    {
        if (threads is { } t) Recurrent.Tensors.Threads.DefaultMaxThreads = Limits.Size(t, Limits.Threads, "--threads");
        return Recurrent.Tensors.Threads.Current;
    }

    public static int Positive(int value, string option) =>
        value > 0 ? value : throw new UsageException($"{option} must be a positive integer; got {value}.");

    /// <summary>
    /// Creates <paramref name="folder"/> if needed and checks that a file can be created in it, before any work is done:
    /// a folder that is a file, under a file, or read-only is refused naming <paramref name="option"/>, and a run never
    /// fails at its end for want of a place to write. The probe file is deleted; files already there are not touched.
    /// </summary>
    public static void PrepareOutputFolder(string folder, string option)
    {
        if (File.Exists(folder)) throw new UsageException($"{option}: '{folder}' is a file; expected a folder.");
        string probe = Path.Combine(folder, $".recurrent-write-test-{Environment.ProcessId}");
        try
        {
            Directory.CreateDirectory(folder);
            using (File.Create(probe, 1, FileOptions.DeleteOnClose)) { }
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new UsageException($"{option}: cannot write to '{folder}' ({e.Message.ReplaceLineEndings(" ").Trim()}).");
        }
    }

    /// <summary>
    /// Runs <paramref name="read"/>, turning an I/O failure other than a missing file (a device error, a denied read)
    /// into a message that names <paramref name="option"/> and <paramref name="path"/>.
    /// </summary>
    public static T ReadInput<T>(string option, string path, Func<T> read)
    {
        if (Directory.Exists(path)) throw new UsageException($"{option}: '{path}' is a directory; expected a file.");
        try
        {
            return read();
        }
        catch (Exception e) when (e is UnauthorizedAccessException or IOException and not FileNotFoundException and not DirectoryNotFoundException)
        {
            throw new UsageException($"{option}: cannot read '{path}' ({e.Message.ReplaceLineEndings(" ").Trim()}).");
        }
    }
}
