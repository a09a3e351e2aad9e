using System.Globalization;
using System.Reflection;
using System.Runtime.Loader;
using System.Text.RegularExpressions;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
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
    private const string ImplicitUsings = """
        global using System;
        global using System.Collections.Generic;
        global using System.IO;
        global using System.Linq;
        global using System.Threading;
        global using System.Threading.Tasks;
        """;

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

        var assembly = Compile(code);
        string output = Run(assembly);
        log.WriteLine(output);

        var accuracy = Accuracy().Match(output);
        Assert.True(accuracy.Success, $"The example printed no accuracy: {output}");
        double percent = double.Parse(accuracy.Groups["accuracy"].Value, CultureInfo.InvariantCulture);
        Assert.True(percent >= 90, $"The example's test accuracy is {percent} %: {output}");
    }

    private static byte[] Compile(string code)
    {
        var references = ((string)AppContext.GetData("TRUSTED_PLATFORM_ASSEMBLIES")!).Split(Path.PathSeparator)
            .Concat([typeof(Recurrent.Tensors.Rng).Assembly.Location])
            .Distinct()
            .Select(path => MetadataReference.CreateFromFile(path));
        var options = new CSharpParseOptions(LanguageVersion.Latest);
        var compilation = CSharpCompilation.Create("ReadmeExample",
            [CSharpSyntaxTree.ParseText(ImplicitUsings, options), CSharpSyntaxTree.ParseText(code, options)],
            references, new CSharpCompilationOptions(OutputKind.ConsoleApplication, nullableContextOptions: NullableContextOptions.Enable));
        using var image = new MemoryStream();
        var emitted = compilation.Emit(image);
        var errors = emitted.Diagnostics.Where(d => d.Severity == DiagnosticSeverity.Error).ToList();
        Assert.True(emitted.Success, "The README example does not compile:\n" + string.Join("\n", errors));
        return image.ToArray();
    }

    private static string Run(byte[] image)
    {
        var context = new AssemblyLoadContext("readme", isCollectible: true);
        string folder = Directory.CreateTempSubdirectory("recurrent-readme-").FullName;
        string previous = Environment.CurrentDirectory;
        var console = Console.Out;
        var output = new StringWriter(CultureInfo.InvariantCulture);
        try
        {
            var assembly = context.LoadFromStream(new MemoryStream(image));
            Environment.CurrentDirectory = folder;
            Console.SetOut(output);
            var entry = assembly.EntryPoint!;
            entry.Invoke(null, entry.GetParameters().Length == 0 ? null : [Array.Empty<string>()]);
            Assert.True(File.Exists(Path.Combine(folder, "sum-sign.safetensors")), "The example saved no model file.");
        }
        catch (TargetInvocationException e) when (e.InnerException is not null)
        {
            throw new InvalidOperationException("The README example failed: " + e.InnerException.Message, e.InnerException);
        }
        finally
        {
            Console.SetOut(console);
            Environment.CurrentDirectory = previous;
            context.Unload();
            Directory.Delete(folder, recursive: true);
        }
        return output.ToString();
    }
}
