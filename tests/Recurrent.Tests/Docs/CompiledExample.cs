using System.Globalization;
using System.Reflection;
using System.Runtime.Loader;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;

namespace Recurrent.Tests.Docs;

/// <summary>
/// A C# block of the documentation compiled with Roslyn as a console program (with the SDK's implicit usings, as
/// <c>dotnet new console</c> has them, and every assembly the tests can load) and run in a temporary current directory
/// with the console captured.
/// </summary>
internal static class CompiledExample
{
    private const string ImplicitUsings = """
        global using System;
        global using System.Collections.Generic;
        global using System.IO;
        global using System.Linq;
        global using System.Threading;
        global using System.Threading.Tasks;
        """;

    /// <summary>Compiles <paramref name="code"/>; fails the test with the compiler's errors if it does not build.</summary>
    public static byte[] Compile(string name, string code, params Assembly[] references)
    {
        var paths = ((string)AppContext.GetData("TRUSTED_PLATFORM_ASSEMBLIES")!).Split(Path.PathSeparator)
            .Concat(references.Select(a => a.Location))
            .Distinct()
            .Select(path => MetadataReference.CreateFromFile(path));
        var options = new CSharpParseOptions(LanguageVersion.Latest);
        var compilation = CSharpCompilation.Create(name,
            [CSharpSyntaxTree.ParseText(ImplicitUsings, options), CSharpSyntaxTree.ParseText(code, options)],
            paths, new CSharpCompilationOptions(OutputKind.ConsoleApplication, nullableContextOptions: NullableContextOptions.Enable));
        using var image = new MemoryStream();
        var emitted = compilation.Emit(image);
        var errors = emitted.Diagnostics.Where(d => d.Severity == DiagnosticSeverity.Error).ToList();
        Assert.True(emitted.Success, $"The {name} does not compile:\n" + string.Join("\n", errors));
        return image.ToArray();
    }

    /// <summary>
    /// Runs a compiled example in a new temporary folder: <paramref name="prepare"/> fills the folder first,
    /// <paramref name="check"/> looks at it afterwards; returns what the example printed.
    /// </summary>
    public static string Run(string name, byte[] image, Action<string>? prepare = null, Action<string>? check = null)
    {
        var context = new AssemblyLoadContext(name, isCollectible: true);
        string folder = Directory.CreateTempSubdirectory("recurrent-example-").FullName;
        string previous = Environment.CurrentDirectory;
        var console = Console.Out;
        var output = new StringWriter(CultureInfo.InvariantCulture);
        try
        {
            prepare?.Invoke(folder);
            var assembly = context.LoadFromStream(new MemoryStream(image));
            Environment.CurrentDirectory = folder;
            Console.SetOut(output);
            var entry = assembly.EntryPoint!;
            entry.Invoke(null, entry.GetParameters().Length == 0 ? null : [Array.Empty<string>()]);
            check?.Invoke(folder);
        }
        catch (TargetInvocationException e) when (e.InnerException is not null)
        {
            throw new InvalidOperationException($"The {name} failed: " + e.InnerException.Message, e.InnerException);
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
