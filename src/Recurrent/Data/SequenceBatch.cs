using Recurrent.Tensors;

namespace Recurrent.Data;

/// <summary>
/// B labelled sequences of T steps of I features, <c>(B, T, I)</c>, with one class per sequence (N-1) and each
/// sequence's length (steps past it are padding).
/// </summary>
public sealed class SequenceBatch : IBatch
{
    /// <summary>Creates a batch with room for <paramref name="rows"/> sequences.</summary>
    /// <param name="rows">B.</param>
    /// <param name="steps">T.</param>
    /// <param name="features">I.</param>
    public SequenceBatch(int rows, int steps, int features)
    {
        Inputs = new Tensor<float>(rows, steps, features);
        Labels = new int[rows];
        Lengths = new int[rows];
    }

    /// <summary>The sequences, <c>(B, T, I)</c>.</summary>
    public Tensor<float> Inputs { get; }

    /// <summary>The class of each sequence.</summary>
    public int[] Labels { get; }

    /// <summary>The length of each sequence, in <c>[1, T]</c>.</summary>
    public int[] Lengths { get; }

    /// <summary>
    /// <see cref="Lengths"/> when some sequence is shorter than T, empty otherwise: full-length batches then take the
    /// recurrent layers' path without masking.
    /// </summary>
    internal ReadOnlySpan<int> VariableLengths
    {
        get
        {
            int steps = Inputs.Dim(1);
            foreach (int length in Lengths)
            {
                if (length != steps) return Lengths;
            }
            return default;
        }
    }

    /// <summary>B: the loss is a mean over the sequences.</summary>
    public int Count => Labels.Length;
}
