using Recurrent.Data;
using System.Globalization;
using System.Numerics;
using System.Text.Json;
using Recurrent.Autodiff;
using Recurrent.Layers;
using Recurrent.Optimizers;
using Recurrent.Tensors;

namespace Recurrent.Serialization;

/// <summary>
/// Everything needed to resume training bit for bit, in one safetensors file: the model's parameters under their
/// PyTorch names, the optimizer's state, the step, the random generators' states, and the model's configuration.
/// </summary>
/// <remarks>
/// <para>
/// Tensors: each parameter under its own name (<c>rnn.weight_ih_l0</c>), so <c>safetensors.torch.load_file</c> gives
/// a <c>state_dict</c> PyTorch can load; each optimizer state tensor as <c>optimizer.&lt;parameter&gt;.&lt;state&gt;</c>
/// (<c>optimizer.rnn.weight_ih_l0.exp_avg</c>); a trainer's own tensors (a carried recurrent state) as
/// <c>state.&lt;name&gt;</c>. Metadata (strings): <c>format</c> (<c>recurrent</c>), <c>format_version</c> (2),
/// <c>step</c>, <c>model</c> (the model's kind), <c>model_config</c> (JSON), <c>model.&lt;key&gt;</c> (the model's other
/// strings: a vocabulary), <c>state.&lt;key&gt;</c>, <c>optimizer</c> (its kind), <c>optimizer.learning_rate</c>,
/// <c>optimizer.&lt;parameter&gt;.step</c>, <c>rng.&lt;name&gt;</c> (the generator's state words in hexadecimal), and
/// <c>meta.&lt;key&gt;</c> for <see cref="Metadata"/>.
/// </para>
/// <para>
/// <see cref="Save"/> is atomic (a failure leaves the previous checkpoint intact); <see cref="Load"/> checks the file;
/// <see cref="Restore(IReadOnlyList{ValueTuple{string, Variable{T}}}, Optimizer{T})"/> checks that every name and shape
/// matches the model and optimizer before changing anything, and otherwise names the first difference.
/// </para>
/// </remarks>
/// <typeparam name="T">Element type of the parameters (float checkpoints hold F32 tensors, double ones F64).</typeparam>
public sealed class Checkpoint<T> where T : unmanaged, IFloatingPointIeee754<T>
{
    private const string FormatName = "recurrent";
    private const int FormatVersion = 2;
    private const string ModelKey = "model";
    private const string ModelMetaPrefix = "model.";
    private const string StatePrefix = "state.";
    private const string OptimizerPrefix = "optimizer.";
    private const string RngPrefix = "rng.";
    private const string MetaPrefix = "meta.";
    private const string StepSuffix = ".step";
    private const string LearningRateKey = "optimizer.learning_rate";

    /// <summary>Creates a checkpoint of the given tensors (referenced, not copied: <see cref="Save"/> reads them).</summary>
    /// <param name="parameters">The model's parameters by name (<see cref="Module{T}.StateDict"/>).</param>
    /// <param name="optimizer">The optimizer's state (<see cref="Optimizer{T}.StateDict"/>), or null for weights only.</param>
    public Checkpoint(IReadOnlyDictionary<string, Tensor<T>> parameters, OptimizerState<T>? optimizer = null)
    {
        ArgumentNullException.ThrowIfNull(parameters);
        Parameters = parameters;
        Optimizer = optimizer;
    }

    /// <summary>The model's parameters by name.</summary>
    public IReadOnlyDictionary<string, Tensor<T>> Parameters { get; }

    /// <summary>The optimizer's state, or null.</summary>
    public OptimizerState<T>? Optimizer { get; }

    /// <summary>The number of training steps taken (what a learning-rate schedule is asked about next).</summary>
    public long Step { get; set; }

    /// <summary>The model's kind, configuration and other strings (<see cref="Module{T}.Describe"/>), or null for weights alone.</summary>
    public ModelDescription? Model { get; set; }

    /// <summary>A trainer's state beyond the optimizer (data positions, carried recurrent state), or null.</summary>
    public Data.TrainingState? State { get; set; }

    /// <summary>Random generators' states by name (<see cref="Rng.State"/>): data order, dropout, …</summary>
    public Dictionary<string, ulong[]> RngStates { get; } = new(StringComparer.Ordinal);

    /// <summary>Any other strings to keep (epoch, best validation loss, …).</summary>
    public Dictionary<string, string> Metadata { get; } = new(StringComparer.Ordinal);

    /// <summary>The file this checkpoint was loaded from, or null; error messages name it.</summary>
    public string? Source { get; private set; }

    /// <summary>Writes the checkpoint to <paramref name="path"/> atomically: the previous file survives any failure.</summary>
    /// <param name="path">The file to create or replace (by convention <c>*.safetensors</c>).</param>
    public void Save(string path) => ToWriter().Save(path);

    /// <summary>The checkpoint as the bytes of a safetensors file, as <see cref="Save"/> writes them.</summary>
    internal byte[] ToArray() => ToWriter().ToArray();

    private SafetensorsWriter ToWriter()
    {
        var writer = new SafetensorsWriter();
        foreach (var (name, tensor) in Parameters)
        {
            if (name.StartsWith(OptimizerPrefix, StringComparison.Ordinal) || name.StartsWith(StatePrefix, StringComparison.Ordinal))
            {
                throw new InvalidOperationException($"Parameter '{name}' starts with '{OptimizerPrefix}' or '{StatePrefix}', which a checkpoint reserves for the trainer's state; rename the sub-module.");
            }
            writer.Add(name, tensor);
        }
        var m = writer.Metadata;
        m["format"] = FormatName;
        m["format_version"] = FormatVersion.ToString(CultureInfo.InvariantCulture);
        m["step"] = Step.ToString(CultureInfo.InvariantCulture);
        if (Model is { } model)
        {
            if (!IsJson(model.Config)) throw new InvalidOperationException($"The {model.Kind} model's configuration is not valid JSON.");
            m[ModelKey] = model.Kind;
            m["model_config"] = model.Config;
            if (model.Metadata is not null) foreach (var (key, value) in model.Metadata) m[ModelMetaPrefix + key] = value;
        }
        if (State is { } state)
        {
            foreach (var (key, value) in state.Values) m[StatePrefix + key] = value;
            foreach (var (name, tensor) in state.Tensors) writer.Add(StatePrefix + name, tensor);
        }
        if (Optimizer is { } o)
        {
            m["optimizer"] = o.Kind;
            m[LearningRateKey] = o.LearningRate.ToString("R", CultureInfo.InvariantCulture);
            foreach (var (name, steps) in o.Steps) m[OptimizerPrefix + name + StepSuffix] = steps.ToString(CultureInfo.InvariantCulture);
            foreach (var (name, tensor) in o.Buffers) writer.Add(OptimizerPrefix + name, tensor);
        }
        foreach (var (name, words) in RngStates) m[RngPrefix + name] = string.Join(' ', words.Select(w => w.ToString("x16", CultureInfo.InvariantCulture)));
        foreach (var (key, value) in Metadata) m[MetaPrefix + key] = value;
        return writer;
    }

    /// <summary>Reads and checks a checkpoint; a plain safetensors file of weights loads as a checkpoint at step 0.</summary>
    /// <param name="path">The file.</param>
    /// <returns>The checkpoint, its tensors converted to <typeparamref name="T"/>.</returns>
    public static Checkpoint<T> Load(string path) => Parse(File.ReadAllBytes(path), path);

    /// <summary>As <see cref="Load"/>, from the bytes of a file (not copied); <paramref name="path"/> names it in messages.</summary>
    internal static Checkpoint<T> Parse(byte[] bytes, string path)
    {
        var file = SafetensorsFile.Parse(bytes, path);
        var m = file.Metadata;
        if (m.TryGetValue("format", out string? format) && format != FormatName)
        {
            throw Invalid(path, $"metadata 'format' is '{format}'; expected '{FormatName}' (a file of another program, or of an older Recurrent).");
        }
        if (format is not null)
        {
            string version = m.GetValueOrDefault("format_version") ?? "(none)";
            if (!int.TryParse(version, NumberStyles.None, CultureInfo.InvariantCulture, out int v)) throw Invalid(path, $"format_version is '{version}'; expected a whole number.");
            if (v > FormatVersion) throw Invalid(path, $"format version {v} is newer than this Recurrent reads ({FormatVersion}); update Recurrent.");
            if (v < FormatVersion) throw Invalid(path, $"format version {v} is older than this Recurrent reads ({FormatVersion}).");
        }

        var parameters = new Dictionary<string, Tensor<T>>(StringComparer.Ordinal);
        var buffers = new Dictionary<string, Tensor<T>>(StringComparer.Ordinal);
        Data.TrainingState? state = null;
        foreach (var entry in file.Entries)
        {
            if (entry.Name.StartsWith(OptimizerPrefix, StringComparison.Ordinal)) buffers[entry.Name[OptimizerPrefix.Length..]] = file.Get<T>(entry.Name);
            else if (entry.Name.StartsWith(StatePrefix, StringComparison.Ordinal)) (state ??= new()).Tensors[entry.Name[StatePrefix.Length..]] = file.Get<float>(entry.Name);
            else parameters[entry.Name] = file.Get<T>(entry.Name);
        }
        var steps = new Dictionary<string, long>(StringComparer.Ordinal);
        foreach (var (key, value) in m)
        {
            if (key.StartsWith(OptimizerPrefix, StringComparison.Ordinal) && key.EndsWith(StepSuffix, StringComparison.Ordinal) && key.Length > OptimizerPrefix.Length + StepSuffix.Length)
            {
                steps[key[OptimizerPrefix.Length..^StepSuffix.Length]] = ParseLong(path, key, value);
            }
        }

        OptimizerState<T>? optimizer = null;
        if (m.TryGetValue("optimizer", out string? optimizerKind))
        {
            if (!m.TryGetValue(LearningRateKey, out string? rate) || !double.TryParse(rate, NumberStyles.Float, CultureInfo.InvariantCulture, out double learningRate))
            {
                throw Invalid(path, $"metadata '{LearningRateKey}' is '{m.GetValueOrDefault(LearningRateKey)}'; expected a number.");
            }
            optimizer = new OptimizerState<T>(optimizerKind, learningRate, steps, buffers);
        }
        else if (buffers.Count > 0 || steps.Count > 0)
        {
            throw Invalid(path, "the file has optimizer state but no 'optimizer' metadata naming its kind.");
        }

        var checkpoint = new Checkpoint<T>(parameters, optimizer) { Source = path };
        checkpoint.Step = m.TryGetValue("step", out string? step) ? ParseLong(path, "step", step) : 0;
        var modelMetadata = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var (key, value) in m)
        {
            if (key.StartsWith(RngPrefix, StringComparison.Ordinal)) checkpoint.RngStates[key[RngPrefix.Length..]] = ParseWords(path, key, value);
            else if (key.StartsWith(MetaPrefix, StringComparison.Ordinal)) checkpoint.Metadata[key[MetaPrefix.Length..]] = value;
            else if (key.StartsWith(ModelMetaPrefix, StringComparison.Ordinal)) modelMetadata[key[ModelMetaPrefix.Length..]] = value;
            else if (key.StartsWith(StatePrefix, StringComparison.Ordinal)) (state ??= new()).Values[key[StatePrefix.Length..]] = value;
        }
        if (m.TryGetValue(ModelKey, out string? kind))
        {
            string config = m.GetValueOrDefault("model_config") ?? throw Invalid(path, $"the file names a '{kind}' model but has no model_config to rebuild it from.");
            checkpoint.Model = new ModelDescription(kind, config, modelMetadata);
        }
        checkpoint.State = state;
        return checkpoint;
    }

    /// <summary>
    /// Copies the checkpoint into <paramref name="model"/>'s parameters and, if given, <paramref name="optimizer"/>'s
    /// state, after checking that they match exactly; nothing changes otherwise.
    /// </summary>
    /// <param name="model">The model, built from the same configuration.</param>
    /// <param name="optimizer">The optimizer of the resumed run, of the same kind over the same parameters; null to skip.</param>
    public void Restore(Module<T> model, Optimizer<T>? optimizer = null)
    {
        ArgumentNullException.ThrowIfNull(model);
        Restore(model.NamedParameters(), optimizer);
    }

    /// <summary>As <see cref="Restore(Module{T}, Optimizer{T})"/>, for named parameters.</summary>
    /// <param name="parameters">Each parameter with its name.</param>
    /// <param name="optimizer">The optimizer of the resumed run; null to skip.</param>
    public void Restore(IReadOnlyList<(string Name, Variable<T> Parameter)> parameters, Optimizer<T>? optimizer = null)
    {
        ArgumentNullException.ThrowIfNull(parameters);
        var expected = new HashSet<string>(StringComparer.Ordinal);
        foreach (var (name, parameter) in parameters)
        {
            expected.Add(name);
            if (!Parameters.TryGetValue(name, out var saved))
            {
                throw Mismatch($"checkpoint has no {name}; this model expects {name} {Tensor<T>.ShapeText(parameter.Shape)}.");
            }
            if (!saved.SameShape(parameter.Value))
            {
                throw Mismatch($"checkpoint has {name} {Tensor<T>.ShapeText(saved.Shape)}; this model expects {Tensor<T>.ShapeText(parameter.Shape)}.");
            }
        }
        foreach (var (name, saved) in Parameters)
        {
            if (!expected.Contains(name)) throw Mismatch($"checkpoint has {name} {Tensor<T>.ShapeText(saved.Shape)}, which this model does not have.");
        }
        if (optimizer is not null)
        {
            if (Optimizer is null) throw Mismatch($"checkpoint has no optimizer state; this run's optimizer is {optimizer.Kind}.");
            if (optimizer.CheckState(Optimizer) is { } problem) throw Mismatch(problem);
        }
        foreach (var (name, parameter) in parameters) parameter.Value.CopyFrom(Parameters[name]);
        optimizer?.LoadStateDict(Optimizer!);
    }

    private InvalidDataException Mismatch(string problem) => Invalid(Source ?? "checkpoint", problem);

    private static InvalidDataException Invalid(string source, string problem) => SafetensorsHeader.Invalid(source, problem);

    private static long ParseLong(string path, string key, string value) =>
        long.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out long n) ? n
        : throw Invalid(path, $"metadata '{key}' is '{value}'; expected a non-negative integer.");

    private static ulong[] ParseWords(string path, string key, string value)
    {
        string[] parts = value.Split(' ', StringSplitOptions.RemoveEmptyEntries);
        var words = new ulong[parts.Length];
        for (int i = 0; i < parts.Length; i++)
        {
            if (!ulong.TryParse(parts[i], NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out words[i]))
            {
                throw Invalid(path, $"metadata '{key}' word {i} is '{parts[i]}'; expected hexadecimal digits.");
            }
        }
        return words;
    }

    private static bool IsJson(string text)
    {
        try
        {
            using var _ = JsonDocument.Parse(text);
            return true;
        }
        catch (JsonException)
        {
            return false;
        }
    }
}
