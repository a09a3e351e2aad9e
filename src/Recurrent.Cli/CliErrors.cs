using System.CommandLine;

namespace Recurrent.Cli;

/// <summary>
/// Turns every failure of a command into one line on stderr and a non-zero exit code: 2 for bad usage, 1 for
/// anything else. The stack trace is printed only with <c>--verbose</c>. In a distributed run a failing rank ends the
/// whole job (<see cref="DistributedRun.Fail"/>).
/// </summary>
internal static class CliErrors
{
    public static readonly Option<bool> Verbose = new("--verbose") { Description = "Print stack traces with errors.", Recursive = true };

    public static int Run(ParseResult parse, Func<int> action)
    {
        try
        {
            int code = action();
            DistributedRun.Finish();
            return code;
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            Exception shown = e is AggregateException { InnerExceptions.Count: 1 } agg ? agg.InnerException! : e;
            Console.Error.WriteLine($"recurrent: error{DistributedRun.RankTag}: {OneLine(shown.Message)}");
            if (parse.GetValue(Verbose)) Console.Error.WriteLine(shown);
            int code = shown is UsageException or ArgumentException or FileNotFoundException or DirectoryNotFoundException or InvalidDataException ? 2 : 1;
            DistributedRun.Fail(code); // under mpirun: ends the other ranks, which may be waiting for this one
            return code;
        }
    }

    /// <summary>
    /// Reports what the parser could not accept (an unknown option or command, a value of the wrong type, a missing
    /// required option) as one line, with where to find the usage, and returns 2. Checked before any action runs, so
    /// <c>--version --bogus</c> or <c>--help --bogus</c> is refused too.
    /// </summary>
    public static int ParseFailed(ParseResult parse)
    {
        // --version clears the errors of tokens it ignores; they are reported all the same.
        var messages = parse.Errors.Select(e => OneLine(e.Message))
            .Concat(parse.UnmatchedTokens.Select(t => $"Unrecognized command or argument '{t}'."));
        string problems = string.Join(" ", messages.Distinct());
        var path = new List<string>();
        for (var result = parse.CommandResult; result is not null; result = result.Parent as System.CommandLine.Parsing.CommandResult)
        {
            path.Insert(0, result.Command is RootCommand ? "recurrent" : result.Command.Name);
        }
        Console.Error.WriteLine($"recurrent: error: {problems} See '{string.Join(' ', path)} --help'.");
        return 2;
    }

    // ArgumentException appends " (Parameter 'name')"; the message already names what is wrong.
    private static string OneLine(string message) =>
        System.Text.RegularExpressions.Regex.Replace(message.ReplaceLineEndings(" ").Trim(), @"\s*\(Parameter '[^']*'\)$", "");
}
