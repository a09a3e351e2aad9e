using Recurrent.Tensors;

namespace Recurrent.Lecture.Data.Synthetic;

/// <summary>
/// The copy task, a many-to-many (N-N) classification that needs a memory of T steps, in the form of Arjovsky, Shah
/// and Bengio, "Unitary evolution recurrent neural networks" (2016), after Hochreiter and Schmidhuber (1997): read
/// 10 symbols, wait T steps, then write the 10 symbols back.
/// </summary>
/// <remarks>
/// <para>
/// Classes (V = 10): <see cref="Blank"/> = 0, data symbols 1 … 8, <see cref="Delimiter"/> = 9. With
/// <c>L = T + 20</c> steps (<see cref="Length"/>):
/// <code>
/// input  = s₁ … s₁₀,  blank × (T − 1),  delimiter,  blank × 10
/// target = blank × (T + 10),                        s₁ … s₁₀
/// </code>
/// where each <c>sᵢ</c> is drawn uniformly from the 8 data symbols. The delimiter tells the network to start writing.
/// </para>
/// <para>
/// Baseline: a memoryless model can know that every target is blank until the delimiter has been read (cross-entropy
/// 0 there) but can only guess uniformly among the 8 symbols in the last 10 steps, so its mean cross-entropy per step
/// is <c>10 · ln 8 / (T + 20)</c> (<see cref="BaselineCrossEntropy"/>). Learning the task means going clearly below it.
/// Inputs and targets are class ids, row-major <c>(B, L)</c>; feed inputs one-hot or through an embedding.
/// </para>
/// </remarks>
public sealed class CopyTask
{
    /// <summary>The blank class, id 0.</summary>
    public const int Blank = 0;

    /// <summary>The delimiter class, id 9: its step is the last before the output window.</summary>
    public const int Delimiter = 9;

    /// <summary>V, the number of classes: blank, 8 data symbols, delimiter.</summary>
    public const int Classes = 10;

    /// <summary>The data symbols, ids 1 … 8.</summary>
    public const int Symbols = 8;

    /// <summary>The number of symbols to copy.</summary>
    public const int CopyLength = 10;

    /// <summary>Creates the task with a delay of <paramref name="delay"/> steps.</summary>
    /// <param name="delay">T, at least 1: the delimiter comes T − 1 blanks after the last symbol.</param>
    public CopyTask(int delay)
    {
        if (delay < 1) throw new ArgumentOutOfRangeException(nameof(delay), $"delay is {delay}; the copy task needs T ≥ 1.");
        Delay = delay;
    }

    /// <summary>T, the delay between reading the last symbol and writing the first.</summary>
    public int Delay { get; }

    /// <summary>L = T + 20, steps per sequence.</summary>
    public int Length => Delay + 2 * CopyLength;

    /// <summary>The step of the delimiter in the input, T + 9.</summary>
    public int DelimiterStep => CopyLength + Delay - 1;

    /// <summary>The mean cross-entropy per step of the best memoryless predictor, <c>10 · ln 8 / (T + 20)</c> nats.</summary>
    public double BaselineCrossEntropy => CopyLength * Math.Log(Symbols) / Length;

    /// <summary>Fills B sequences drawn from <paramref name="rng"/>, B = <c>inputs.Length / L</c>.</summary>
    /// <param name="rng">The random source; the same state gives the same batch.</param>
    /// <param name="inputs">Destination (B, L): class ids.</param>
    /// <param name="targets">Destination (B, L): class ids.</param>
    public void Fill(Rng rng, Span<int> inputs, Span<int> targets)
    {
        ArgumentNullException.ThrowIfNull(rng);
        int batch = inputs.Length / Length;
        CheckLength(inputs.Length, batch, nameof(inputs));
        CheckLength(targets.Length, batch, nameof(targets));
        inputs.Clear();  // Blank = 0
        targets.Clear();
        for (int b = 0; b < batch; b++)
        {
            Span<int> input = inputs.Slice(b * Length, Length);
            Span<int> target = targets.Slice(b * Length, Length);
            for (int i = 0; i < CopyLength; i++)
            {
                int symbol = 1 + rng.Next(Symbols);
                input[i] = symbol;
                target[Length - CopyLength + i] = symbol;
            }
            input[DelimiterStep] = Delimiter;
        }
    }

    /// <summary>A new batch of <paramref name="batchSize"/> sequences.</summary>
    /// <param name="rng">The random source.</param>
    /// <param name="batchSize">B.</param>
    /// <returns>Inputs and targets, row-major (B, L).</returns>
    public (int[] Inputs, int[] Targets) Sample(Rng rng, int batchSize)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(batchSize);
        var inputs = new int[batchSize * Length];
        var targets = new int[batchSize * Length];
        Fill(rng, inputs, targets);
        return (inputs, targets);
    }

    private void CheckLength(int length, int batch, string name)
    {
        if (length != batch * Length) throw new ArgumentException($"{name} has {length} elements; expected B·L = {batch}·{Length} = {batch * Length}.", name);
    }
}
