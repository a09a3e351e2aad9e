using System.Diagnostics.CodeAnalysis;
using Recurrent.Data;

namespace Recurrent.Data.Text;

/// <summary>
/// The whole validation split of a corpus in consecutive, non-overlapping windows of T target characters, the last
/// one partial with its true length, so that a mean cross-entropy over every validation character (bits per
/// character, perplexity) can be computed exactly rather than estimated from random windows.
/// </summary>
/// <remarks>
/// <para>
/// Window k predicts validation characters <c>[k·T, min((k+1)·T, M))</c>, M = <see cref="Characters"/>; its inputs are
/// the characters one earlier, so the first validation character is predicted from the last training character
/// (an input only, never a target). Every validation character is a target exactly once:
/// <c>mean CE = Σ over valid steps of −log p(target) / M</c>.
/// </para>
/// <para>
/// A batch holds up to B consecutive windows, one per row, with <c>lengths[b]</c> its valid steps; steps past a
/// row's length, and rows past the end, are 0 and must be masked. With B = 1, consecutive batches are contiguous, so
/// a stateful model can carry its state across them as char-rnn's evaluation does. <see cref="Position"/> (the next
/// window) is the batcher's whole state; <see cref="Next"/> allocates nothing.
/// </para>
/// </remarks>
public sealed class ValidationWindowBatcher : IBatchSource<TextBatch>
{
    private TextBatch? _batch;
    private int[] _lengths = [];

    private readonly ReadOnlyMemory<int> _ids;
    private readonly int _first;
    private int _position;

    /// <summary>Creates a batcher over the validation split of <paramref name="corpus"/>.</summary>
    /// <param name="corpus">The corpus; it needs a validation split and at least one training character.</param>
    /// <param name="batchSize">B, windows per batch.</param>
    /// <param name="steps">T, characters per window.</param>
    /// <exception cref="InvalidDataException">The corpus has no validation split, or no training character before it.</exception>
    public ValidationWindowBatcher(CharCorpus corpus, int batchSize, int steps)
    {
        ArgumentNullException.ThrowIfNull(corpus);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(batchSize);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(steps);
        if (corpus.ValidationLength == 0)
        {
            throw new InvalidDataException(
                $"{corpus.Label} has no validation split ({corpus.Length} characters, ValidationFraction = {corpus.ValidationFraction}); expected at least 1 validation character.");
        }
        corpus.RequireTrainLength(1, "the first validation window's input");
        _ids = corpus.Ids;
        _first = corpus.TrainLength;
        BatchSize = batchSize;
        Steps = steps;
        Characters = corpus.ValidationLength;
        WindowCount = (Characters + steps - 1) / steps;
    }

    /// <summary>
    /// Creates a batcher whose targets are <c>ids[firstTarget..]</c> (each predicted from the id before it): the
    /// evaluation of a whole text uses <paramref name="firstTarget"/> = 1.
    /// </summary>
    /// <param name="ids">The encoded text.</param>
    /// <param name="firstTarget">Index of the first target, at least 1.</param>
    /// <param name="batchSize">B, windows per batch.</param>
    /// <param name="steps">T, characters per window.</param>
    public ValidationWindowBatcher(ReadOnlyMemory<int> ids, int firstTarget, int batchSize, int steps)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(batchSize);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(steps);
        if (firstTarget < 1 || firstTarget >= ids.Length)
        {
            throw new ArgumentOutOfRangeException(nameof(firstTarget), $"firstTarget must be in [1, {ids.Length}) so that a target and its input exist; got {firstTarget}.");
        }
        _ids = ids;
        _first = firstTarget;
        BatchSize = batchSize;
        Steps = steps;
        Characters = ids.Length - firstTarget;
        WindowCount = (Characters + steps - 1) / steps;
    }

    /// <summary>B, windows per batch.</summary>
    public int BatchSize { get; }

    /// <summary>T, characters per window.</summary>
    public int Steps { get; }

    /// <summary>M, the validation characters: the sum of every window's length.</summary>
    public int Characters { get; }

    /// <summary>The number of windows, <c>⌈M / T⌉</c>.</summary>
    public int WindowCount { get; }

    /// <summary>The next window to read, in <c>[0, WindowCount]</c>; <see cref="WindowCount"/> once every window is read.</summary>
    public int Position
    {
        get => _position;
        set
        {
            if ((uint)value > (uint)WindowCount)
            {
                throw new ArgumentOutOfRangeException(nameof(value), $"Position {value} is outside [0, {WindowCount}], the validation windows.");
            }
            _position = value;
        }
    }

    /// <summary>True once every window has been read.</summary>
    public bool Done => _position == WindowCount;

    /// <summary>Starts again from the first window.</summary>
    public void Reset() => _position = 0;

    /// <summary>Fills up to B windows, from <see cref="Position"/> on, and advances past them.</summary>
    /// <param name="inputs">Destination (B, T).</param>
    /// <param name="targets">Destination (B, T).</param>
    /// <param name="lengths">Destination (B): the valid steps of each row; 0 for rows past the last window.</param>
    /// <returns>The number of rows filled; 0 when every window has been read.</returns>
    public int Next(Span<int> inputs, Span<int> targets, Span<int> lengths)
    {
        BufferCheck.Length(inputs.Length, BatchSize, Steps, nameof(inputs), "B", "T");
        BufferCheck.Length(targets.Length, BatchSize, Steps, nameof(targets), "B", "T");
        BufferCheck.Length(lengths.Length, BatchSize, 1, nameof(lengths), "B", "1");
        ReadOnlySpan<int> ids = _ids.Span;
        int rows = Math.Min(BatchSize, WindowCount - _position);
        for (int b = 0; b < BatchSize; b++)
        {
            Span<int> input = inputs.Slice(b * Steps, Steps);
            Span<int> target = targets.Slice(b * Steps, Steps);
            int length = 0;
            if (b < rows)
            {
                int first = (_position + b) * Steps;           // within the validation split
                length = Math.Min(Steps, Characters - first);
                ids.Slice(_first + first - 1, length).CopyTo(input);
                ids.Slice(_first + first, length).CopyTo(target);
            }
            input[length..].Clear();
            target[length..].Clear();
            lengths[b] = length;
        }
        _position += rows;
        return rows;
    }

    /// <inheritdoc/>
    public int? BatchesPerPass => (WindowCount + BatchSize - 1) / BatchSize;

    /// <summary>
    /// The next B windows of the pass, padding past the end of the text marked with target −1; false (and a rewind)
    /// once every window has been read.
    /// </summary>
    /// <param name="batch">The windows, in a batch object reused from call to call.</param>
    /// <returns>Whether a batch was produced.</returns>
    public bool TryNext([MaybeNullWhen(false)] out TextBatch batch)
    {
        if (Done)
        {
            Reset();
            batch = null;
            return false;
        }
        batch = _batch ??= new TextBatch(BatchSize, Steps);
        if (_lengths.Length != BatchSize) _lengths = new int[BatchSize];
        Next(batch.Inputs, batch.Targets, _lengths);
        int valid = 0;
        for (int row = 0; row < BatchSize; row++)
        {
            valid += _lengths[row];
            batch.Targets.AsSpan(row * Steps + _lengths[row], Steps - _lengths[row]).Fill(-1); // padding predicts nothing
        }
        batch.Count = valid;
        return true;
    }
}
