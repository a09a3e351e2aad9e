using System.Numerics;
using Recurrent.Layers;

namespace Recurrent.Serialization;

/// <summary>Saving any module to a model file and reading weights back: <c>model.Save(path)</c>, <c>model.LoadWeights(path)</c>.</summary>
public static class ModuleFiles
{
    /// <summary>
    /// Writes the module to a model file: safetensors with every weight under its tree name, and the module's
    /// <see cref="Module{T}.Describe">description</see> in the metadata. Written to a temporary file and renamed.
    /// </summary>
    /// <typeparam name="T">Element type.</typeparam>
    /// <param name="module">The module.</param>
    /// <param name="path">The file (by convention <c>*.safetensors</c>).</param>
    public static void Save<T>(this Module<T> module, string path) where T : unmanaged, IFloatingPointIeee754<T> =>
        ModelFile.Create(module).Save(path);

    /// <summary>
    /// Reads the weights of a model file into this module. Every weight must be present with its exact shape, and no
    /// other; otherwise nothing changes and an <see cref="InvalidDataException"/> names the file and the first difference.
    /// </summary>
    /// <typeparam name="T">Element type.</typeparam>
    /// <param name="module">The module, built by the caller with the same shape.</param>
    /// <param name="path">A file written by <see cref="Save{T}"/> (or any safetensors file with these names).</param>
    public static void LoadWeights<T>(this Module<T> module, string path) where T : unmanaged, IFloatingPointIeee754<T>
    {
        ArgumentNullException.ThrowIfNull(module);
        Checkpoint<T>.Load(path).Restore(module);
    }
}
