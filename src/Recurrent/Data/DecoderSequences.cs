namespace Recurrent.Data;

/// <summary>
/// A batch of token sequences laid out for a teacher-forced decoder (the output side of the lecture's 1-N and N-M
/// tasks): row b of <see cref="Inputs"/> is <c>&lt;start&gt; w₁ … wₙ</c>, row b of <see cref="Targets"/> is
/// <c>w₁ … wₙ &lt;end&gt;</c>, both n + 1 long and padded with <c>&lt;pad&gt;</c> to <see cref="Steps"/>.
/// </summary>
/// <remarks>
/// At step t the decoder reads <c>Inputs[b, t]</c> (the previous true token, Williams and Zipser's teacher forcing) and
/// is scored on <c>Targets[b, t]</c> for <c>t &lt; Lengths[b]</c>. Ids come from a <see cref="TokenVocabulary"/>, so
/// <c>&lt;pad&gt;</c> = 0, <c>&lt;start&gt;</c> = 1, <c>&lt;end&gt;</c> = 2. Buffers are allocated once and refilled.
/// </remarks>
public sealed class DecoderSequences
{
    /// <summary>Creates zero-filled (all padding) buffers for <paramref name="rows"/> sequences of at most <paramref name="maxTokens"/> tokens.</summary>
    /// <param name="rows">B, the number of sequences.</param>
    /// <param name="maxTokens">The longest sentence, in tokens, without start and end.</param>
    public DecoderSequences(int rows, int maxTokens)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(rows);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(maxTokens);
        Rows = rows;
        MaxTokens = maxTokens;
        Inputs = new int[rows * Steps];
        Targets = new int[rows * Steps];
        Lengths = new int[rows];
    }

    /// <summary>B, the number of sequences.</summary>
    public int Rows { get; }

    /// <summary>The longest sentence the buffers hold, in tokens.</summary>
    public int MaxTokens { get; }

    /// <summary>Steps per row, <see cref="MaxTokens"/> + 1 (room for the start or end token).</summary>
    public int Steps => MaxTokens + 1;

    /// <summary>Decoder inputs <c>&lt;start&gt; w₁ … wₙ &lt;pad&gt; …</c>, row-major (B, Steps).</summary>
    public int[] Inputs { get; }

    /// <summary>Decoder targets <c>w₁ … wₙ &lt;end&gt; &lt;pad&gt; …</c>, row-major (B, Steps).</summary>
    public int[] Targets { get; }

    /// <summary>n + 1 for each row: the steps that count in the loss; 0 for an unused row.</summary>
    public int[] Lengths { get; }

    /// <summary>Stores the sentence <paramref name="tokens"/> (ids, without start or end) as row <paramref name="row"/>.</summary>
    /// <param name="row">The row, in <c>[0, Rows)</c>.</param>
    /// <param name="tokens">The sentence's token ids; at most <see cref="MaxTokens"/>.</param>
    public void SetRow(int row, ReadOnlySpan<int> tokens)
    {
        CheckRow(row);
        if (tokens.Length > MaxTokens)
        {
            throw new ArgumentException($"A sentence of {tokens.Length} tokens does not fit; these buffers hold at most {MaxTokens}.", nameof(tokens));
        }
        Span<int> input = Inputs.AsSpan(row * Steps, Steps);
        Span<int> target = Targets.AsSpan(row * Steps, Steps);
        input.Clear();
        target.Clear();
        input[0] = TokenVocabulary.StartId;
        tokens.CopyTo(input[1..]);
        tokens.CopyTo(target);
        target[tokens.Length] = TokenVocabulary.EndId;
        Lengths[row] = tokens.Length + 1;
    }

    /// <summary>Marks row <paramref name="row"/> unused: all padding, length 0.</summary>
    /// <param name="row">The row, in <c>[0, Rows)</c>.</param>
    public void ClearRow(int row)
    {
        CheckRow(row);
        Inputs.AsSpan(row * Steps, Steps).Clear();
        Targets.AsSpan(row * Steps, Steps).Clear();
        Lengths[row] = 0;
    }

    /// <summary>The target ids of row <paramref name="row"/> (its sentence followed by <c>&lt;end&gt;</c> and padding).</summary>
    /// <param name="row">The row, in <c>[0, Rows)</c>.</param>
    /// <returns>A view of <see cref="Targets"/>.</returns>
    public ReadOnlySpan<int> TargetRow(int row)
    {
        CheckRow(row);
        return Targets.AsSpan(row * Steps, Steps);
    }

    private void CheckRow(int row)
    {
        if ((uint)row >= (uint)Rows)
        {
            throw new ArgumentOutOfRangeException(nameof(row), $"Row {row} is outside the batch's {Rows} rows [0, {Rows}).");
        }
    }
}
