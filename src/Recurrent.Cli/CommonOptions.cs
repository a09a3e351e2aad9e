using System.CommandLine;

namespace Recurrent.Cli;

/// <summary>Options that several commands share, and the checks that turn bad values into one-line errors.</summary>
internal static class CommonOptions
{
    public static Option<int?> Threads() => new("--threads")
    {
        Description = $"Threads for the kernels (default: all {Environment.ProcessorCount} cores).",
    };

    public static Option<bool> Json() => new("--json") { Description = "Print one JSON object per result and nothing else on stdout." };

    /// <summary>
    /// Sets <see cref="Recurrent.Tensors.Threads.DefaultMaxThreads"/> from the option and returns the number in effect.
    /// The process default, not a scope: a CLI process runs one command.
    /// </summary>
    public static int ApplyThreads(int? threads)
    {
        if (threads is { } t) Recurrent.Tensors.Threads.DefaultMaxThreads = Positive(t, "--threads");
        return Recurrent.Tensors.Threads.Current;
    }

    public static int Positive(int value, string option) =>
        value > 0 ? value : throw new UsageException($"{option} must be a positive integer; got {value}.");
}
