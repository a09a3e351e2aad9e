using System.Numerics;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using Recurrent.Layers;
using Recurrent.Serialization;
using Recurrent.Tensors;

namespace Recurrent.Models;

/// <summary>
/// Saves a task model as a <see cref="Checkpoint{T}"/> (weights under their PyTorch-style names, the configuration as
/// JSON in <c>model_config</c>, the model's kind in <c>meta.model</c>) and reads it back.
/// </summary>
internal static class ModelFile
{
    public const string KindKey = "model";

    public static Checkpoint<T> ToCheckpoint<T, TConfig>(Module<T> model, string kind, TConfig config, JsonTypeInfo<TConfig> info)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        var checkpoint = new Checkpoint<T>(model.StateDict()) { ModelConfig = JsonSerializer.Serialize(config, info) };
        checkpoint.Metadata[KindKey] = kind;
        return checkpoint;
    }

    /// <summary>Reads the checkpoint at <paramref name="path"/>, checks its kind, and rebuilds and restores the model.</summary>
    public static TModel Load<T, TConfig, TModel>(string path, string kind, JsonTypeInfo<TConfig> info, Func<TConfig, Rng, TModel> create)
        where T : unmanaged, IFloatingPointIeee754<T>
        where TModel : Module<T>
    {
        var checkpoint = Checkpoint<T>.Load(path);
        string found = checkpoint.Metadata.GetValueOrDefault(KindKey) ?? "(none)";
        if (found != kind) throw new InvalidDataException($"{path}: the checkpoint holds a '{found}' model; expected '{kind}'.");
        if (checkpoint.ModelConfig is null) throw new InvalidDataException($"{path}: the checkpoint has no model_config; a {kind} needs its configuration to be rebuilt.");
        TConfig config = JsonSerializer.Deserialize(checkpoint.ModelConfig, info)
            ?? throw new InvalidDataException($"{path}: model_config is null; expected a {kind} configuration.");
        var model = create(config, new Rng(0));
        checkpoint.Restore(model);
        return model;
    }
}
