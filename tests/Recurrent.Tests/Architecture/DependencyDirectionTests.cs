using Recurrent.Tensors;
using Xunit.Abstractions;

namespace Recurrent.Tests.Architecture;

/// <summary>
/// The layering of docs/ARCHITECTURE.md, checked on what the compiled library's types actually use (signatures, fields,
/// locals and every type, method and field named in method bodies), not on its <c>using</c> directives.
/// </summary>
public class DependencyDirectionTests(ITestOutputHelper output)
{
    private static readonly Lazy<TypeDependencies> Core = new(() => TypeDependencies.Load(typeof(Tensor<>).Assembly.Location));

    /// <summary>The namespaces at the bottom and the only namespaces each may use.</summary>
    public static readonly Dictionary<string, string[]> MayUseOnly = new()
    {
        ["Tensors"] = [],
        ["Metrics"] = [],
        ["Distributed"] = [],
        ["Kernels"] = ["Tensors"],
        ["Autodiff"] = ["Tensors", "Kernels"],
        ["Cells"] = ["Tensors", "Kernels", "Autodiff"],
        ["Losses"] = ["Tensors", "Kernels", "Autodiff"],
        ["Optimizers"] = ["Tensors", "Kernels", "Autodiff"],
        ["Data"] = ["Tensors", "Kernels", "Autodiff"],
        ["Layers"] = ["Tensors", "Kernels", "Autodiff", "Cells"],
    };

    /// <summary>The namespaces at the top and the namespaces each must not use.</summary>
    public static readonly Dictionary<string, string[]> MustNotUse = new()
    {
        ["Serialization"] = ["Models", "Training"],
        ["Models"] = ["Training"],
        ["Training"] = [],
    };

    public static TheoryData<string> Namespaces() => [.. MayUseOnly.Keys, .. MustNotUse.Keys];

    [Theory]
    [MemberData(nameof(Namespaces))]
    public void NamespaceUsesOnlyTheLayersBelowIt(string layer)
    {
        bool Allowed(string used) => used == layer || (MayUseOnly.TryGetValue(layer, out var only)
            ? only.Contains(used)
            : !MustNotUse[layer].Contains(used));

        var violations = Core.Value.Uses.Where(u => LayerOf(u.From) == layer && LayerOf(u.To) is { } to && !Allowed(to)).ToList();
        string rule = MayUseOnly.TryGetValue(layer, out var may)
            ? $"Recurrent.{layer} may use only {(may.Length == 0 ? "itself" : string.Join(", ", may))}"
            : $"Recurrent.{layer} must not use {string.Join(", ", MustNotUse[layer])}";
        Assert.True(violations.Count == 0, Report(rule, violations));
    }

    [Fact]
    public void EveryNamespaceOfTheLibraryHasAPlaceInTheLayering()
    {
        var unknown = Core.Value.Types.Where(t => LayerOf(t) is { } l && !MayUseOnly.ContainsKey(l) && !MustNotUse.ContainsKey(l)).ToList();
        Assert.True(unknown.Count == 0,
            "These types are in a namespace that DependencyDirectionTests and docs/ARCHITECTURE.md do not place: "
            + string.Join(", ", unknown.Take(20)));
    }

    [Fact]
    public void TheNamespaceGraphHasNoCycle()
    {
        var edges = Core.Value.Uses
            .Where(u => LayerOf(u.From) is { } f && LayerOf(u.To) is { } t && f != t)
            .GroupBy(u => (From: LayerOf(u.From)!, To: LayerOf(u.To)!))
            .ToDictionary(g => g.Key, g => g.First());
        foreach (var group in edges.Keys.GroupBy(e => e.From).OrderBy(g => g.Key))
            output.WriteLine($"{group.Key} -> {string.Join(", ", group.Select(e => e.To).Order())}");

        var cycle = FindCycle(edges.Keys.ToList());
        Assert.True(cycle is null, cycle is null ? "" :
            $"The namespaces use each other in a cycle, {string.Join(" -> ", cycle)}:{Environment.NewLine}"
            + string.Join(Environment.NewLine, cycle.Zip(cycle.Skip(1), (a, b) => "  " + edges[(a, b)])));
    }

    [Fact]
    public void TheLibraryReferencesNoApplicationBuiltOnIt()
    {
        string[] applications = ["Recurrent.Lecture", "Recurrent.Cli", "Recurrent.View"];
        var assemblies = Core.Value.AssemblyReferences.Where(a => applications.Contains(a)).ToList();
        Assert.True(assemblies.Count == 0, $"Recurrent references {string.Join(", ", assemblies)}, an application built on it.");
        var types = Core.Value.ReferencedTypes.Where(t => applications.Any(a => t.StartsWith(a + ".", StringComparison.Ordinal))).ToList();
        Assert.True(types.Count == 0, $"Recurrent uses {string.Join(", ", types)}, of an application built on it.");
    }

    /// <summary>
    /// The assemblies point one way: the core is pure managed, with no dependency beyond the BCL and
    /// System.Numerics.Tensors; the interop libraries (ONNX, PyTorch) and the MPI binding sit on the core and on what their format needs
    /// (Google.Protobuf for ONNX's schema), and none of them references an application. The web view sits on the core
    /// and ASP.NET Core's shared framework (<c>Microsoft.AspNetCore*</c>, <c>Microsoft.Extensions.*</c>, <c>Microsoft.Net.Http.Headers</c>; a prefix ending in
    /// <c>.*</c> below), and on nothing else: no other web package, no application.
    /// </summary>
    [Theory]
    [InlineData(typeof(Recurrent.Tensors.Rng), new[] { "System.Numerics.Tensors" })]
    [InlineData(typeof(Recurrent.Onnx.Export.OnnxExporter), new[] { "Recurrent", "Google.Protobuf" })]
    [InlineData(typeof(Recurrent.PyTorch.PyTorchImporter), new[] { "Recurrent" })]
    [InlineData(typeof(Recurrent.Mpi.MpiProcessGroup), new[] { "Recurrent" })]
    [InlineData(typeof(Recurrent.View.ViewServer), new[] { "Recurrent", "Microsoft.AspNetCore", "Microsoft.AspNetCore.*", "Microsoft.Extensions.*", "Microsoft.Net.Http.Headers" })]
    public void EachLibraryReferencesOnlyWhatItNeeds(Type type, string[] allowed)
    {
        static bool Platform(string name) => name is "System" or "mscorlib" or "netstandard" || name.StartsWith("System.", StringComparison.Ordinal) || name.StartsWith("Microsoft.Win32.", StringComparison.Ordinal);
        var references = type.Assembly.GetReferencedAssemblies().Select(a => a.Name!).ToList();
        bool Allowed(string name) => allowed.Any(a => a.EndsWith(".*", StringComparison.Ordinal) ? name.StartsWith(a[..^1], StringComparison.Ordinal) : a == name);
        var unexpected = references.Where(r => !Allowed(r) && (!Platform(r) || r == "System.Numerics.Tensors")).ToList();
        Assert.True(unexpected.Count == 0, $"{type.Assembly.GetName().Name} references {string.Join(", ", unexpected)}; it may reference only the platform and {string.Join(", ", allowed)}.");
    }

    /// <summary>The layer a type belongs to: the namespace under <c>Recurrent</c> (Data.Text is Data); null outside it.</summary>
    private static string? LayerOf(string type)
    {
        var parts = TypeDependencies.NamespaceOf(type).Split('.');
        return parts[0] != "Recurrent" ? null : parts.Length == 1 ? "(Recurrent)" : parts[1];
    }

    private static string Report(string rule, List<TypeUse> violations) =>
        $"{rule}; {violations.Count} use(s) break the rule:{Environment.NewLine}"
        + string.Join(Environment.NewLine, violations.Take(20).Select(v => "  " + v))
        + (violations.Count > 20 ? $"{Environment.NewLine}  …" : "");

    private static List<string>? FindCycle(List<(string From, string To)> edges)
    {
        var next = edges.ToLookup(e => e.From, e => e.To);
        var state = new Dictionary<string, int>(); // 1: on the current path, 2: done
        var path = new List<string>();

        List<string>? Visit(string node)
        {
            state[node] = 1;
            path.Add(node);
            foreach (var to in next[node].Order())
            {
                if (state.GetValueOrDefault(to) == 1) return [.. path[path.IndexOf(to)..], to];
                if (state.GetValueOrDefault(to) == 0 && Visit(to) is { } found) return found;
            }
            path.RemoveAt(path.Count - 1);
            state[node] = 2;
            return null;
        }

        foreach (var node in edges.Select(e => e.From).Distinct().Order())
            if (state.GetValueOrDefault(node) == 0 && Visit(node) is { } cycle) return cycle;
        return null;
    }
}
