using Recurrent.Autodiff;
using Recurrent.Data;

namespace Recurrent.Data.Text;

/// <summary>
/// B windows of T characters and the character after each, for a character-level language model:
/// <c>Inputs[b, t]</c> is followed by <c>Targets[b, t]</c>. A target of −1 is padding and predicts nothing.
/// </summary>
/// <remarks>
/// In truncated backpropagation through time (<see cref="StreamBatcher"/>) each window continues the previous one, so
/// the model starts from the carried state <see cref="InitialState"/> and hands its final state back through
/// <see cref="KeepFinalState"/>; the source carries it into the next window once the step is over. A shard
/// (<see cref="Shard"/>, for data-parallel training) starts from its rows of that state and hands its final state back
/// to those rows of the whole batch.
/// </remarks>
public sealed partial class TextBatch : IBatch, IShardable<TextBatch>
{
    private IReadOnlyList<Variable<float>>? _final;

    /// <summary>Creates a batch of <paramref name="rows"/> windows of <paramref name="steps"/> characters.</summary>
    /// <param name="rows">B.</param>
    /// <param name="steps">T.</param>
    public TextBatch(int rows, int steps)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(rows);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(steps);
        (Rows, Steps) = (rows, steps);
        Inputs = new int[rows * steps];
        Targets = new int[rows * steps];
        Count = rows * steps;
    }

    /// <summary>B, the windows.</summary>
    public int Rows { get; }

    /// <summary>T, characters per window.</summary>
    public int Steps { get; }

    /// <summary>Input ids, row-major <c>(B, T)</c>.</summary>
    public int[] Inputs { get; }

    /// <summary>Target ids, row-major <c>(B, T)</c>; −1 for padding.</summary>
    public int[] Targets { get; }

    /// <summary>The targets that are not padding: the characters the batch's mean loss averages over.</summary>
    public int Count { get; internal set; }

    /// <summary>The recurrent state to start from (<c>(L, B, H)</c> per state tensor), or null for zeros.</summary>
    public IReadOnlyList<Variable<float>>? InitialState { get; internal set; }

    /// <summary>Hands the model's final state to the source, which carries it into the next window (streams only).</summary>
    /// <param name="finalState">The final state of each state tensor, <c>(L, B, H)</c>.</param>
    public void KeepFinalState(IReadOnlyList<Variable<float>> finalState)
    {
        ArgumentNullException.ThrowIfNull(finalState);
        if (_parent is not null) GiveBackRows(finalState);
        else _final = finalState;
    }

    /// <summary>Takes the final state the model handed back, if any.</summary>
    internal IReadOnlyList<Variable<float>>? TakeFinalState()
    {
        var final = _final;
        _final = null;
        return final;
    }
}
