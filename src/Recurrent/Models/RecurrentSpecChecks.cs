using Recurrent.Layers;

namespace Recurrent.Models;

/// <summary>
/// The checks a task model adds to <see cref="RecurrentSpec.Validate"/>: its layers read batch-first sequences, and it
/// builds a library cell (a custom cell goes in a module of your own, around a <see cref="RecurrentLayer{T}"/>).
/// </summary>
internal static class RecurrentSpecChecks
{
    /// <summary>Validates <paramref name="spec"/> as the recurrent part of a model.</summary>
    /// <param name="spec">The spec.</param>
    /// <param name="role">What the layer is (<c>encoder</c>, <c>decoder</c>), for messages.</param>
    public static void ValidateForModel(this RecurrentSpec spec, string role)
    {
        ArgumentNullException.ThrowIfNull(spec);
        spec.Validate(role);
        if (spec.Cell == Cells.CellKind.Custom)
        {
            throw new ArgumentException($"The {role}'s Cell is Custom; the library's models build one of the library's cells. For a cell of your own, write a Module around new RecurrentLayer<T>(inputSize, spec, createCell, rng).");
        }
        if (!spec.BatchFirst) throw new ArgumentException($"The {role}'s BatchFirst is false; expected true (the models feed batch-first sequences, (B, T, I)).");
    }
}
