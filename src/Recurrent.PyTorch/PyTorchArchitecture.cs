using System.Text.RegularExpressions;
using Recurrent.Autodiff;

namespace Recurrent.PyTorch;

/// <summary>
/// The module tree of a PyTorch model in forward order, which its <c>state_dict</c> does not record: an optional
/// <c>nn.Embedding</c>, one or more <c>nn.LSTM</c>/<c>nn.GRU</c>/<c>nn.RNN</c>, and a final <c>nn.Linear</c>, each
/// with the attribute name that prefixes its tensors. Sizes, layers and directions are read from the tensors.
/// </summary>
/// <example>
/// For
/// <code>
/// class Tagger(nn.Module):
///     def __init__(self):
///         super().__init__()
///         self.emb = nn.Embedding(11, 8)
///         self.rnn = nn.LSTM(8, 16, batch_first=True)
///         self.fc = nn.Linear(16, 5)
/// </code>
/// the architecture is <c>PyTorchArchitecture.Parse("emb:Embedding, rnn:LSTM, fc:Linear")</c>. An Elman RNN with relu
/// is written <c>rnn:RNN(relu)</c>.
/// </example>
/// <param name="Modules">The submodules in forward order.</param>
public sealed partial record PyTorchArchitecture(IReadOnlyList<PyTorchModule> Modules)
{
    /// <summary>Parses <c>name:Class, name:Class, …</c> (classes Embedding, LSTM, GRU, RNN, RNN(tanh), RNN(relu), Linear) and checks the order.</summary>
    /// <param name="text">The architecture.</param>
    /// <returns>The parsed architecture.</returns>
    /// <exception cref="ArgumentException">A part is malformed or the modules are not Embedding? RNN+ Linear.</exception>
    public static PyTorchArchitecture Parse(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var modules = new List<PyTorchModule>();
        foreach (string raw in text.Split(','))
        {
            string part = raw.Trim();
            var match = PartPattern().Match(part);
            if (!match.Success) throw new ArgumentException($"architecture part '{part}' is not name:Class; expected e.g. \"emb:Embedding, rnn:LSTM, fc:Linear\" (classes Embedding, LSTM, GRU, RNN, RNN(relu), Linear).", nameof(text));
            string name = match.Groups["name"].Value, type = match.Groups["class"].Value, argument = match.Groups["arg"].Value;
            PyTorchModule module = (type.ToLowerInvariant(), argument.ToLowerInvariant()) switch
            {
                ("embedding", "") => new(name, PyTorchModuleKind.Embedding),
                ("lstm", "") => new(name, PyTorchModuleKind.Lstm),
                ("gru", "") => new(name, PyTorchModuleKind.Gru),
                ("rnn", "" or "tanh") => new(name, PyTorchModuleKind.Rnn),
                ("rnn", "relu") => new(name, PyTorchModuleKind.Rnn, Activation.Relu),
                ("linear", "") => new(name, PyTorchModuleKind.Linear),
                _ => throw new ArgumentException($"architecture part '{part}': unknown class '{type}{(argument.Length > 0 ? $"({argument})" : "")}'; expected Embedding, LSTM, GRU, RNN, RNN(tanh), RNN(relu) or Linear.", nameof(text)),
            };
            modules.Add(module);
        }
        var architecture = new PyTorchArchitecture(modules);
        architecture.Validate();
        return architecture;
    }

    /// <summary>Checks the order (Embedding? then LSTM/GRU/RNN, at least one, then Linear) and that names are distinct.</summary>
    /// <exception cref="ArgumentException">Names the first problem.</exception>
    public void Validate()
    {
        if (Modules is null || Modules.Count == 0) throw new ArgumentException("The architecture is empty; expected e.g. \"emb:Embedding, rnn:LSTM, fc:Linear\".");
        int first = Modules[0].Kind == PyTorchModuleKind.Embedding ? 1 : 0;
        for (int i = 0; i < Modules.Count; i++)
        {
            var module = Modules[i] ?? throw new ArgumentException($"architecture module {i} is null.");
            bool ok = i < first || (i == Modules.Count - 1 ? module.Kind == PyTorchModuleKind.Linear && i > first : module.IsRecurrent);
            if (!ok) throw new ArgumentException($"architecture {this}: '{module}' is out of place; expected an optional Embedding, then one or more LSTM, GRU or RNN, then one Linear.");
            if (module.Kind == PyTorchModuleKind.Rnn ? module.Nonlinearity is not (Activation.Tanh or Activation.Relu) : module.Nonlinearity != Activation.Tanh)
            {
                throw new ArgumentException($"architecture {this}: '{module.Name}' has nonlinearity {module.Nonlinearity}; only an RNN has one, tanh or relu.");
            }
            if (Modules.Take(i).Any(m => m.Name == module.Name)) throw new ArgumentException($"architecture {this}: two modules are named '{module.Name}'.");
        }
    }

    /// <summary>The optional embedding.</summary>
    internal PyTorchModule? Embedding => Modules[0].Kind == PyTorchModuleKind.Embedding ? Modules[0] : null;

    /// <summary>The recurrent modules in order.</summary>
    internal IReadOnlyList<PyTorchModule> RecurrentModules => Modules.Where(m => m.IsRecurrent).ToList();

    /// <summary>The final linear layer.</summary>
    internal PyTorchModule Head => Modules[^1];

    /// <summary>The architecture as <see cref="Parse"/> reads it.</summary>
    /// <returns>The text.</returns>
    public override string ToString() => string.Join(", ", Modules.Select(m => m.ToString()));

    [GeneratedRegex(@"^(?<name>[A-Za-z_][A-Za-z0-9_]*(\.[A-Za-z0-9_]+)*)\s*:\s*(?<class>[A-Za-z][A-Za-z0-9_]*)\s*(\(\s*(?<arg>[A-Za-z]*)\s*\))?$")]
    private static partial Regex PartPattern();
}
