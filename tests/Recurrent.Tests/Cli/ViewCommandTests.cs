using System.Globalization;
using System.Text.RegularExpressions;
using Recurrent.Tests.View;
using Recurrent.View;

namespace Recurrent.Tests.Cli;

/// <summary><c>recurrent view</c> as a user runs it: the one-shot unit search, and its refusals as one line.</summary>
public sealed class ViewCommandTests : IDisposable
{
    private readonly ViewFiles _files = new();

    [Fact]
    public async Task TheSearchPrintsTheUnitsTheApiRanksFirstForEveryLayerAndKind()
    {
        string textFile = Path.Combine(_files.Root, "text.txt");
        string text = string.Concat(Enumerable.Repeat("ROMEO:\nBut soft, what light through yonder window breaks?\nIt is the east.\n\n", 4));
        File.WriteAllText(textFile, text);
        string model = Path.Combine(_files.Root, "lm", "best.safetensors");
        var result = CliProcess.Run(_files.Root, "view", "--runs", _files.Root, "--model", model, "--search", "line position", "--text-file", textFile);
        Assert.True(result.ExitCode == 0, result.Stderr);
        Assert.Contains($"that best track \"line position\" over {text.Length} characters", result.Stdout);

        await using var host = await ViewHost.Start(new ViewOptions(_files.Root, model));
        foreach (string kind in new[] { "h", "c", "i", "f", "g", "o" })
        {
            for (int layer = 0; layer < 2; layer++)
            {
                var (_, json) = await host.Post("/api/search", new { model = "model", text, pattern = "line position", layer, kind, top = 1 });
                var best = json.GetProperty("matches")[0];
                string expected = string.Create(CultureInfo.InvariantCulture, $"layer {layer} {kind}: unit {best.GetProperty("unit").GetInt32()} r = {best.GetProperty("r").GetDouble():+0.000;-0.000}");
                Assert.Matches(new Regex("^  " + Regex.Escape(expected), RegexOptions.Multiline), result.Stdout);
            }
        }
    }

    [Theory]
    [InlineData("--port 70000", "--port must be from 0 to 65535; got 70000")]
    [InlineData("--search vowels --model m.safetensors --text-file t.txt", "--search 'vowels' is not a pattern")]
    [InlineData("--search \"line position\" --text-file t.txt", "--search needs --model FILE")]
    public void BadOptionsAreOneLineErrors(string args, string expected)
    {
        var result = CliProcess.Run(_files.Root, ["view", .. Split(args)]);
        CliProcess.AssertOneLineError(result, expected);
    }

    private static string[] Split(string args) =>
        Regex.Matches(args, "\"[^\"]*\"|\\S+").Select(m => m.Value.Trim('"')).ToArray();

    public void Dispose() => _files.Dispose();
}
