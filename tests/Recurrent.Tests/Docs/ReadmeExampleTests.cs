using System.Globalization;
using System.Text.RegularExpressions;
using Recurrent.Tests.Oracles;
using Recurrent.Tests.Training;

namespace Recurrent.Tests.Docs;

/// <summary>
/// The C# example of README.md, read from the file itself, compiled with Roslyn as a console program (with the SDK's
/// implicit usings, as <c>dotnet new console</c> has them) and run: it must build, run, and print what README says.
/// </summary>
/// <remarks>Runs alone: it redirects the console and works in a temporary current directory, both process-wide.</remarks>
[Collection(nameof(ProcessWideMeasurements))]
public partial class ReadmeExampleTests(Xunit.Abstractions.ITestOutputHelper log)
{
    [GeneratedRegex(@"## Using the library.*?```csharp\n(?<code>.*?)```", RegexOptions.Singleline)]
    private static partial Regex ExampleBlock();

    [GeneratedRegex(@"test accuracy (?<accuracy>[0-9.]+) ?%")]
    private static partial Regex Accuracy();

    [Fact]
    public void TheReadmeExampleBuildsFitsSavesLoadsAndPredicts()
    {
        string readme = File.ReadAllText(Path.Combine(OracleFolder.RepositoryRoot, "README.md"));
        var match = ExampleBlock().Match(readme);
        Assert.True(match.Success, "README.md has no ```csharp block under '## Using the library'.");
        string code = match.Groups["code"].Value;
        Assert.True(code.Split('\n').Count(l => l.Trim().Length > 0) <= 25, "The README example should stay short (about 20 lines).");

        // The NuGet package's README shows the same example.
        string package = File.ReadAllText(Path.Combine(OracleFolder.RepositoryRoot, "src", "Recurrent", "README.md"));
        Assert.Contains("```csharp\n" + code + "```", package.ReplaceLineEndings("\n"));

        var image = CompiledExample.Compile("README example", code, typeof(Recurrent.Tensors.Rng).Assembly);
        string output = CompiledExample.Run("README example", image,
            check: folder => Assert.True(File.Exists(Path.Combine(folder, "sum-sign.safetensors")), "The example saved no model file."));
        log.WriteLine(output);

        var accuracy = Accuracy().Match(output);
        Assert.True(accuracy.Success, $"The example printed no accuracy: {output}");
        double percent = double.Parse(accuracy.Groups["accuracy"].Value, CultureInfo.InvariantCulture);
        Assert.True(percent >= 90, $"The example's test accuracy is {percent} %: {output}");
    }
}
