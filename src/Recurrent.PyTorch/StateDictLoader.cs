using Recurrent.Cells;
using Recurrent.Layers;
using Recurrent.Tensors;

namespace Recurrent.PyTorch;

/// <summary>
/// Copies PyTorch tensors into a Recurrent module by name, after checking all of them: every parameter of the module
/// must have a tensor of its exact shape, and every tensor must be used. Names are translated by prefix
/// (<c>fc.</c> → <c>head.</c>); below the prefix PyTorch's and Recurrent's names agree (<c>weight_ih_l0_reverse</c>),
/// as do the gate orders (LSTM i, f, g, o; GRU r, z, n), so tensors are copied as they are.
/// </summary>
internal static class StateDictLoader
{
    /// <summary>The file a state_dict came from, for messages.</summary>
    public static string SourceOf(IReadOnlyDictionary<string, Tensor<float>> stateDict) =>
        stateDict is PyTorchStateDict file ? file.Source : "state_dict";

    /// <summary>Checks and copies; nothing is copied unless everything fits.</summary>
    /// <param name="target">The module.</param>
    /// <param name="stateDict">PyTorch name → tensor.</param>
    /// <param name="prefixes">PyTorch prefix → Recurrent prefix (e.g. <c>fc.</c> → <c>head.</c>); null or empty: names as they are.</param>
    /// <param name="unusedBy">What an unused tensor is not used by, for messages (<c>the architecture</c>, <c>the model</c>).</param>
    public static void Load(Module<float> target, IReadOnlyDictionary<string, Tensor<float>> stateDict, IReadOnlyDictionary<string, string>? prefixes, string unusedBy)
    {
        string source = SourceOf(stateDict);
        var renamed = new Dictionary<string, Tensor<float>>(StringComparer.Ordinal);
        var torchName = new Dictionary<string, string>(StringComparer.Ordinal); // Recurrent name → PyTorch name
        var named = target.NamedParameters();
        var known = named.Select(p => p.Name).ToHashSet(StringComparer.Ordinal);
        var unused = new List<string>();
        foreach (var (name, tensor) in stateDict)
        {
            string? mapped = Rename(name, prefixes, fromTorch: true);
            if (mapped is null || !known.Contains(mapped))
            {
                unused.Add(name);
                continue;
            }
            renamed[mapped] = tensor;
            torchName[mapped] = name;
        }
        foreach (var (name, parameter) in named)
        {
            string shown = torchName.TryGetValue(name, out var t) ? t : Rename(name, prefixes, fromTorch: false) ?? name;
            if (!renamed.TryGetValue(name, out var tensor))
            {
                throw new InvalidDataException($"{source}: '{shown}' is missing; expected shape {Tensor<float>.ShapeText(parameter.Shape)}{Context(target, name)}.");
            }
            if (!tensor.SameShape(parameter.Value))
            {
                throw new InvalidDataException($"{source}: '{shown}' has shape {Tensor<float>.ShapeText(tensor.Shape)}; expected {Tensor<float>.ShapeText(parameter.Shape)}{Context(target, name)}.");
            }
        }
        if (unused.Count > 0)
        {
            throw new InvalidDataException($"{source}: '{unused[0]}' is not used by {unusedBy}{(unused.Count > 1 ? $" (nor are {unused.Count - 1} more: {string.Join(", ", unused.Skip(1).Take(4).Select(u => $"'{u}'"))}{(unused.Count > 5 ? ", …" : "")})" : "")}.");
        }
        target.LoadStateDict(renamed, strict: true);
    }

    /// <summary>
    /// Translates a name by its longest matching prefix, PyTorch → Recurrent or back; null when a map is given and no
    /// prefix matches (the tensor belongs to no module of the architecture).
    /// </summary>
    private static string? Rename(string name, IReadOnlyDictionary<string, string>? prefixes, bool fromTorch)
    {
        if (prefixes is null || prefixes.Count == 0) return name;
        string? best = null, replacement = null;
        foreach (var (torch, recurrent) in prefixes)
        {
            string from = fromTorch ? torch : recurrent, to = fromTorch ? recurrent : torch;
            if (name.StartsWith(from, StringComparison.Ordinal) && (best is null || from.Length > best.Length)) (best, replacement) = (from, to);
        }
        return best is null ? null : replacement + name[best.Length..];
    }

    /// <summary>What the parameter belongs to, e.g. <c> (LSTM, H = 5)</c>, found by walking the module tree by name.</summary>
    private static string Context(Module<float> root, string name)
    {
        Module<float> module = root;
        string rest = name;
        while (module.Children.FirstOrDefault(c => rest.StartsWith(c.Name + ".", StringComparison.Ordinal)) is { Module: not null } child)
        {
            module = child.Module;
            rest = rest[(child.Name.Length + 1)..];
        }
        return module switch
        {
            RecurrentLayer<float> layer => $" ({CellName(layer)}, {(layer.Directions == 2 ? "bidirectional, " : "")}{(layer.Spec.Layers > 1 ? $"{layer.Spec.Layers} layers, " : "")}I = {layer.InputSize}, H = {layer.HiddenSize})",
            Linear<float> linear => $" (Linear, {linear.InputSize} → {linear.OutputSize})",
            Embedding<float> => " (Embedding)",
            _ => "",
        };
    }

    /// <summary>The PyTorch class a Recurrent cell corresponds to.</summary>
    public static string CellName(RecurrentLayer<float> layer) => layer.Kind switch
    {
        CellKind.Lstm => "LSTM",
        CellKind.CudnnGru => "GRU",
        CellKind.Gru => "lecture GRU",
        CellKind.Elman => layer.Spec.Nonlinearity == Autodiff.Activation.Relu ? "RNN relu" : "RNN",
        var other => other.ToString(),
    };
}
