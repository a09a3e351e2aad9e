using System.Diagnostics;
using System.Text;

namespace Recurrent.Tests.Cli;

/// <summary>What a run of the <c>recurrent</c> command gave back.</summary>
internal sealed record CliResult(int ExitCode, string Stdout, string Stderr);

/// <summary>
/// Runs the built <c>recurrent</c> command (Recurrent.Cli.dll, copied beside the tests by the project reference) in
/// its own process, as a user would, and checks what a refused command must look like.
/// </summary>
internal static class CliProcess
{
    public static CliResult Run(string workingDirectory, params string[] args)
    {
        string dll = Path.Combine(AppContext.BaseDirectory, "Recurrent.Cli.dll");
        Assert.True(File.Exists(dll), $"{dll} is missing; the test project references src/Recurrent.Cli to copy it here");
        var start = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            WorkingDirectory = workingDirectory,
            StandardOutputEncoding = Encoding.UTF8,
            StandardErrorEncoding = Encoding.UTF8,
        };
        start.ArgumentList.Add(dll);
        foreach (string arg in args) start.ArgumentList.Add(arg);
        start.Environment["NO_COLOR"] = "1";
        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        string stderr = process.StandardError.ReadToEnd();
        if (!process.WaitForExit(TimeSpan.FromMinutes(2)))
        {
            process.Kill(entireProcessTree: true);
            Assert.Fail($"recurrent {string.Join(' ', args)} did not finish in 2 minutes");
        }
        return new CliResult(process.ExitCode, stdout.Result, stderr);
    }

    /// <summary>A non-zero exit, exactly one non-empty line on stderr that contains <paramref name="expected"/>, and no stack trace.</summary>
    public static void AssertOneLineError(CliResult result, string expected)
    {
        Assert.True(result.ExitCode != 0, $"exit code 0; stderr:\n{result.Stderr}\nstdout:\n{Tail(result.Stdout)}");
        string[] lines = result.Stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        Assert.True(lines.Length == 1, $"expected one line on stderr, got {lines.Length}:\n{result.Stderr}");
        Assert.StartsWith("recurrent: error: ", lines[0]);
        Assert.Contains(expected, lines[0]);
        Assert.DoesNotContain("   at ", result.Stderr);
    }

    private static string Tail(string text) => text.Length <= 2000 ? text : "…" + text[^2000..];
}
