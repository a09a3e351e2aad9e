using System.Numerics;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using Recurrent.Layers;
using Recurrent.Serialization;
using Recurrent.Tensors;

namespace Recurrent.Models;

/// <summary>
/// Reads model files: <see cref="Load(string)"/> rebuilds whatever model a file holds (the char-LM, the four task
/// models, a <see cref="Sequential{T}"/> stack) from its description, then loads its weights.
/// </summary>
/// <remarks>
/// A model file is safetensors: every weight under its tree name (<c>rnn.weight_ih_l0</c>, <c>head.weight</c>, so
/// <c>safetensors.torch.load_file</c> gives PyTorch a <c>state_dict</c>), and in the metadata the format and its
/// version, the model's kind, its configuration as JSON, and the strings it needs (a vocabulary). A trainer's
/// checkpoint is a model file with the optimizer's and the trainer's state added. Files of another kind, of a newer
/// format, or damaged, are rejected with an <see cref="InvalidDataException"/> whose one-line message names the file
/// and the problem.
/// </remarks>
public static class Model
{
    /// <summary>Tensor elements a model may allocate while it is built beyond twice the weights its file holds.</summary>
    private const long ConstructionAllowance = 1 << 14;

    /// <summary>Rebuilds the model a file holds, with its weights, in evaluation-ready form (training mode, as built).</summary>
    /// <param name="path">A file written by <see cref="Serialization.ModuleFiles.Save{T}"/> or by a trainer.</param>
    /// <returns>The model; test its type, or use <see cref="Load{TModel}(string)"/>.</returns>
    /// <exception cref="InvalidDataException">The file is damaged, of a newer format, or describes no model Recurrent knows.</exception>
    public static Module<float> Load(string path) => Read<float>(path);

    /// <summary>Rebuilds the model a file holds, which must be a <typeparamref name="TModel"/>.</summary>
    /// <typeparam name="TModel">The expected model type, such as <c>CharLanguageModel&lt;float&gt;</c>.</typeparam>
    /// <param name="path">The model file.</param>
    /// <returns>The model with its weights.</returns>
    /// <exception cref="InvalidDataException">The file holds another kind of model, or cannot be read.</exception>
    public static TModel Load<TModel>(string path) where TModel : Module<float> => Load<float, TModel>(path);

    /// <summary>The kinds of model files this version reads.</summary>
    public static IReadOnlyList<string> Kinds { get; } =
        [CharLanguageModel<float>.Kind, SequenceClassifier<float>.Kind, SequenceTagger<float>.Kind, SequenceGenerator<float>.Kind, Seq2Seq<float>.Kind, Sequential<float>.Kind];

    internal static TModel Load<T, TModel>(string path) where T : unmanaged, IFloatingPointIeee754<T> where TModel : Module<T>
    {
        var model = Read<T>(path);
        return model as TModel ?? throw SafetensorsHeader.Invalid(Path.GetFileName(path),
            $"the file holds a '{model.Describe()!.Kind}' model; expected a {typeof(TModel).Name.Split('`')[0]}.");
    }

    internal static Module<T> Read<T>(string path) where T : unmanaged, IFloatingPointIeee754<T> =>
        Read<T>(File.ReadAllBytes(path), path);

    /// <summary>As <see cref="Read{T}(string)"/>, from the bytes of a file; <paramref name="path"/> names it in messages.</summary>
    internal static Module<T> Read<T>(byte[] bytes, string path) where T : unmanaged, IFloatingPointIeee754<T> =>
        FromCheckpoint(Checkpoint<T>.Parse(bytes, path), path);

    /// <summary>Rebuilds the model <paramref name="checkpoint"/> describes and loads its weights; <paramref name="path"/> names the file.</summary>
    internal static Module<T> FromCheckpoint<T>(Checkpoint<T> checkpoint, string path) where T : unmanaged, IFloatingPointIeee754<T>
    {
        string file = Path.GetFileName(path);
        var description = checkpoint.Model ?? throw SafetensorsHeader.Invalid(file,
            "the file holds weights but no model description; build the model in code and call LoadWeights.");
        // The configuration's sizes are not trusted until the built model's weights are compared with the file's, so
        // the model may allocate no more than the file holds (twice, for tensors made while initialising, and a little
        // more for a model with no weights at all): a config claiming a hidden size of 10⁶ fails here, not with OOM.
        long stored = checkpoint.Parameters.Values.Sum(p => (long)p.Length);
        long budget = 2 * stored + checkpoint.Parameters.Count * AllocationBudget.PerTensor + ConstructionAllowance;
        Module<T> model;
        try
        {
            using (AllocationBudget.Open(budget)) model = Create<T>(description, file);
        }
        catch (ArgumentException e)
        {
            throw SafetensorsHeader.Invalid(file, $"model_config does not describe a valid {description.Kind} ({e.Message})", e);
        }
        catch (AllocationBudgetExceededException)
        {
            throw SafetensorsHeader.Invalid(file, $"model_config describes a {description.Kind} larger than the {stored} weights the file holds.");
        }
        checkpoint.Restore(model);
        return model;
    }

    internal static Module<T> Create<T>(ModelDescription description, string file) where T : unmanaged, IFloatingPointIeee754<T> =>
        description.Kind switch
        {
            CharLanguageModel<T>.Kind => CharLanguageModel<T>.FromDescription(description, file),
            SequenceClassifier<T>.Kind => SequenceClassifier<T>.FromDescription(description, file),
            SequenceTagger<T>.Kind => SequenceTagger<T>.FromDescription(description, file),
            SequenceGenerator<T>.Kind => SequenceGenerator<T>.FromDescription(description, file),
            Seq2Seq<T>.Kind => Seq2Seq<T>.FromDescription(description, file),
            Sequential<T>.Kind => Sequential<T>.FromDescription(description, file),
            _ => throw SafetensorsHeader.Invalid(file, $"model kind '{description.Kind}' is not one this Recurrent reads ({string.Join(", ", Kinds)})."),
        };

    /// <summary>Deserialises and validates a model's configuration, naming the file and the problem on failure.</summary>
    internal static TConfig ReadConfig<TConfig>(ModelDescription description, JsonTypeInfo<TConfig> info, string file)
    {
        TConfig? config;
        try
        {
            config = JsonSerializer.Deserialize(description.Config, info);
        }
        catch (JsonException e)
        {
            throw SafetensorsHeader.Invalid(file, $"model_config is not a valid {description.Kind} configuration ({e.Message}).", e);
        }
        if (config is null) throw SafetensorsHeader.Invalid(file, $"model_config is null; expected a {description.Kind} configuration.");
        return config;
    }
}
