using System.CommandLine;

namespace Recurrent.Cli;

/// <summary>
/// Turns every failure of a command into one line on stderr and a non-zero exit code: 2 for bad usage, 1 for
/// anything else. The stack trace is printed only with <c>--verbose</c>.
/// </summary>
internal static class CliErrors
{
    public static readonly Option<bool> Verbose = new("--verbose") { Description = "Print stack traces with errors.", Recursive = true };

    public static int Run(ParseResult parse, Func<int> action)
    {
        try
        {
            return action();
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            Exception shown = e is AggregateException { InnerExceptions.Count: 1 } agg ? agg.InnerException! : e;
            Console.Error.WriteLine($"recurrent: error: {OneLine(shown.Message)}");
            if (parse.GetValue(Verbose)) Console.Error.WriteLine(shown);
            return shown is UsageException or ArgumentException or FileNotFoundException or DirectoryNotFoundException or InvalidDataException ? 2 : 1;
        }
    }

    // ArgumentException appends " (Parameter 'name')"; the message already names what is wrong.
    private static string OneLine(string message) =>
        System.Text.RegularExpressions.Regex.Replace(message.ReplaceLineEndings(" ").Trim(), @"\s*\(Parameter '[^']*'\)$", "");
}
