using Recurrent.Autodiff;
using Recurrent.Data.Text;
using Recurrent.Cells;
using Recurrent.Layers;
using Recurrent.Models;
using Recurrent.Tensors;

namespace Recurrent.PyTorch;

/// <summary>
/// Builds Recurrent models from PyTorch weights: a <see cref="Sequential{T}"/> from a state_dict and its module tree
/// (<see cref="ToSequential"/>), a <see cref="CharLanguageModel{T}"/> (<see cref="ToCharLanguageModel"/>), or any
/// module built in code (<see cref="LoadInto"/>).
/// </summary>
/// <remarks>
/// <para>
/// PyTorch and Recurrent agree on names below a module (<c>weight_ih_l{k}</c>, <c>weight_hh_l{k}</c>,
/// <c>bias_ih_l{k}</c>, <c>bias_hh_l{k}</c>, suffix <c>_reverse</c>), on layouts (W_ih is (G·H, I)) and on gate orders
/// (LSTM i, f, g, o; GRU r, z, n), so weights are copied unchanged. The cells compute the same functions:
/// <c>nn.LSTM</c> is <see cref="CellKind.Lstm"/>, <c>nn.RNN</c> is <see cref="CellKind.Elman"/> with tanh or relu, and
/// <c>nn.GRU</c> is <see cref="CellKind.CudnnGru"/>, whose candidate is n = tanh(W_in·x + b_in + r ⊙ (W_hn·h + b_hn)).
/// </para>
/// <para>
/// Sizes come from the tensors: V and E from the embedding's weight (V, E), H from <c>weight_hh_l0</c> (G·H, H), the
/// layers from the <c>_l{k}</c> suffixes, bidirectional from <c>_reverse</c>, the outputs from the Linear's weight.
/// Every tensor is then checked against the model built: a missing, unused or misshapen tensor raises an
/// <see cref="InvalidDataException"/> naming the file, the tensor and both shapes.
/// </para>
/// </remarks>
public static class PyTorchImporter
{
    /// <summary>
    /// A <see cref="Sequential{T}"/> (names <c>embedding.weight</c>, <c>rnn{i}.…</c>, <c>head.…</c>) holding the
    /// weights of a PyTorch model with the module tree <paramref name="architecture"/>.
    /// </summary>
    /// <param name="stateDict">The model's <c>state_dict</c> (e.g. from <see cref="PyTorchStateDict.Read"/>).</param>
    /// <param name="architecture">The model's submodules in forward order.</param>
    /// <param name="options">What the state_dict does not say, such as pooling; null for the defaults.</param>
    /// <returns>The model, in training mode as any new model (it has no dropout, so both modes compute the same).</returns>
    /// <exception cref="InvalidDataException">A tensor is missing, unused or of the wrong shape.</exception>
    public static Sequential<float> ToSequential(IReadOnlyDictionary<string, Tensor<float>> stateDict, PyTorchArchitecture architecture, PyTorchImportOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(stateDict);
        ArgumentNullException.ThrowIfNull(architecture);
        architecture.Validate();
        options ??= new PyTorchImportOptions();
        string source = StateDictLoader.SourceOf(stateDict);

        var prefixes = new Dictionary<string, string>(StringComparer.Ordinal);
        int inputSize, embeddingSize = 0;
        if (architecture.Embedding is { } embedding)
        {
            var weight = Matrix(stateDict, embedding.Name + ".weight", embedding, source);
            (inputSize, embeddingSize) = (weight.Dim(0), weight.Dim(1));
            prefixes[embedding.Name + "."] = "embedding.";
        }
        else
        {
            inputSize = Matrix(stateDict, architecture.RecurrentModules[0].Name + ".weight_ih_l0", architecture.RecurrentModules[0], source).Dim(1);
        }
        var specs = new List<RecurrentSpec>();
        foreach (var module in architecture.RecurrentModules)
        {
            prefixes[module.Name + "."] = $"rnn{specs.Count}.";
            specs.Add(Spec(stateDict, module, source));
        }
        var head = architecture.Head;
        prefixes[head.Name + "."] = "head.";
        int outputs = Matrix(stateDict, head.Name + ".weight", head, source).Dim(0);

        var config = new SequentialConfig(inputSize, outputs, specs, options.Pooling, embeddingSize);
        var model = new Sequential<float>(config, new Rng(0));
        StateDictLoader.Load(model, stateDict, prefixes, $"the architecture {architecture}");
        return model;
    }

    /// <summary>
    /// A <see cref="CharLanguageModel{T}"/> (names <c>embedding.weight</c>, <c>rnn.…</c>, <c>decoder.…</c>) from a
    /// PyTorch character model <c>Embedding(V, E) → LSTM/GRU/RNN → Linear(H, V)</c>, the decoder on every step.
    /// </summary>
    /// <param name="stateDict">The model's <c>state_dict</c>.</param>
    /// <param name="architecture">Its module tree: exactly an Embedding, one recurrent module and a Linear.</param>
    /// <param name="vocabulary">The characters of ids 0 … V − 1, if known (sampling from text needs it).</param>
    /// <returns>The model.</returns>
    /// <exception cref="InvalidDataException">A tensor is missing, unused or of the wrong shape.</exception>
    /// <exception cref="ArgumentException">The architecture is not Embedding, one RNN, Linear.</exception>
    public static CharLanguageModel<float> ToCharLanguageModel(IReadOnlyDictionary<string, Tensor<float>> stateDict, PyTorchArchitecture architecture, CharVocabulary? vocabulary = null)
    {
        ArgumentNullException.ThrowIfNull(stateDict);
        ArgumentNullException.ThrowIfNull(architecture);
        architecture.Validate();
        if (architecture.Embedding is not { } embedding || architecture.Modules.Count != 3)
        {
            throw new ArgumentException($"architecture {architecture}: a character model is exactly an Embedding, one LSTM, GRU or RNN, and a Linear.", nameof(architecture));
        }
        string source = StateDictLoader.SourceOf(stateDict);
        var rnn = architecture.Modules[1];
        var weight = Matrix(stateDict, embedding.Name + ".weight", embedding, source);
        var spec = Spec(stateDict, rnn, source);
        var prefixes = new Dictionary<string, string>(StringComparer.Ordinal)
        {
            [embedding.Name + "."] = "embedding.",
            [rnn.Name + "."] = "rnn.",
            [architecture.Head.Name + "."] = "decoder.",
        };
        var model = new CharLanguageModel<float>(new CharModelConfig(weight.Dim(0), weight.Dim(1), spec), new Rng(0), vocabulary);
        StateDictLoader.Load(model, stateDict, prefixes, $"the architecture {architecture}");
        return model;
    }

    /// <summary>
    /// Copies a state_dict into a module built in code, such as a <see cref="RecurrentLayer{T}"/> of the same spec as an
    /// <c>nn.LSTM</c> (whose names need no translation) or a model whose attributes are named differently.
    /// </summary>
    /// <param name="target">The module; its weights are replaced only if every tensor fits.</param>
    /// <param name="stateDict">PyTorch name → tensor.</param>
    /// <param name="prefixes">
    /// PyTorch name prefix → Recurrent name prefix, e.g. <c>{ ["fc."] = "head.", ["rnn."] = "rnn0." }</c>, the longest
    /// matching prefix winning; a tensor matching none is unused. Null: names as they are.
    /// </param>
    /// <exception cref="InvalidDataException">A parameter has no tensor, a tensor's shape differs, or a tensor is not used.</exception>
    public static void LoadInto(Module<float> target, IReadOnlyDictionary<string, Tensor<float>> stateDict, IReadOnlyDictionary<string, string>? prefixes = null)
    {
        ArgumentNullException.ThrowIfNull(target);
        ArgumentNullException.ThrowIfNull(stateDict);
        StateDictLoader.Load(target, stateDict, prefixes, "the model");
    }

    /// <summary>
    /// The <see cref="RecurrentSpec"/> of a recurrent module from its tensors: H from <c>weight_hh_l0</c> (G·H, H),
    /// L from the consecutive <c>weight_hh_l{k}</c>, two directions when <c>weight_hh_l0_reverse</c> exists.
    /// </summary>
    internal static RecurrentSpec Spec(IReadOnlyDictionary<string, Tensor<float>> stateDict, PyTorchModule module, string source)
    {
        string prefix = module.Name + ".";
        int hidden = Matrix(stateDict, prefix + "weight_hh_l0", module, source).Dim(1);
        int layers = 1;
        while (stateDict.ContainsKey($"{prefix}weight_hh_l{layers}")) layers++;
        var cell = module.Kind switch
        {
            PyTorchModuleKind.Lstm => CellKind.Lstm,
            PyTorchModuleKind.Gru => CellKind.CudnnGru,
            _ => CellKind.Elman,
        };
        return new RecurrentSpec(cell, hidden, layers, Bidirectional: stateDict.ContainsKey(prefix + "weight_hh_l0_reverse"),
            Nonlinearity: module.Kind == PyTorchModuleKind.Rnn ? module.Nonlinearity : Activation.Tanh);
    }

    /// <summary>A tensor the sizes are read from, which must exist and be a matrix.</summary>
    private static Tensor<float> Matrix(IReadOnlyDictionary<string, Tensor<float>> stateDict, string name, PyTorchModule module, string source)
    {
        if (!stateDict.TryGetValue(name, out var tensor)) throw new InvalidDataException($"{source}: '{name}' is missing ({module.ClassName}); the architecture names module '{module.Name}'.");
        if (tensor.Rank != 2) throw new InvalidDataException($"{source}: '{name}' has shape {Tensor<float>.ShapeText(tensor.Shape)}; expected a matrix ({module.ClassName}).");
        return tensor;
    }
}
