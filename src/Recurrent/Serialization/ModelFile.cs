using System.Numerics;
using Recurrent.Layers;

namespace Recurrent.Serialization;

/// <summary>
/// A model file: a <see cref="Checkpoint{T}"/> with the module's weights under their tree names and its
/// <see cref="Module{T}.Describe">description</see>; a trainer adds its own state to the same file.
/// </summary>
internal static class ModelFile
{
    public static Checkpoint<T> Create<T>(Module<T> model) where T : unmanaged, IFloatingPointIeee754<T>
    {
        ArgumentNullException.ThrowIfNull(model);
        return new Checkpoint<T>(model.StateDict()) { Model = model.Describe() };
    }
}
