using System.Globalization;
using System.Diagnostics.CodeAnalysis;
using Recurrent.Tensors;
using Recurrent.Data;

namespace Recurrent.Data.Text;

/// <summary>
/// Batches of B windows of T + 1 characters at independent, uniformly random offsets of a corpus's training split
/// (nanoGPT's <c>get_batch</c>): the first T characters are the inputs, the next T (the same window shifted by one)
/// the targets, so step t is trained to predict character t + 1 from characters 0 … t.
/// </summary>
/// <remarks>
/// <para>
/// Each window starts from a zero state (windows are unrelated), so the model learns dependencies up to T characters
/// long; <see cref="StreamBatcher"/> instead lets a model carry its state across windows. Offsets are drawn
/// from <c>[0, TrainLength − T − 1]</c>, every start that keeps the window inside the training split.
/// </para>
/// <para>
/// <see cref="Next"/> fills caller-provided buffers and allocates nothing. The batcher's whole state is its
/// <see cref="Rng"/>: save <c>Rng.State</c> in a checkpoint and assign it back to resume the same sequence of batches.
/// </para>
/// </remarks>
public sealed class RandomWindowBatcher : IBatchSource<TextBatch>, IResumable
{
    private TextBatch? _batch;

    private readonly ReadOnlyMemory<int> _train;
    private readonly int _offsets;

    /// <summary>Creates a batcher over the training split of <paramref name="corpus"/>.</summary>
    /// <param name="corpus">The corpus; its training split needs at least T + 1 characters.</param>
    /// <param name="batchSize">B, windows per batch.</param>
    /// <param name="steps">T, characters per window (without the extra target character).</param>
    /// <param name="rng">The source of the offsets; the batcher draws from it and owns its state.</param>
    /// <exception cref="InvalidDataException">The training split is shorter than T + 1.</exception>
    public RandomWindowBatcher(CharCorpus corpus, int batchSize, int steps, Rng rng)
    {
        ArgumentNullException.ThrowIfNull(corpus);
        ArgumentNullException.ThrowIfNull(rng);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(batchSize);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(steps);
        corpus.RequireTrainLength(steps + 1L, string.Create(CultureInfo.InvariantCulture, $"a window of T = {steps} (T + 1 characters)"));
        _train = corpus.Train;
        _offsets = _train.Length - steps;
        BatchSize = batchSize;
        Steps = steps;
        Rng = rng;
    }

    /// <summary>B, windows per batch.</summary>
    public int BatchSize { get; }

    /// <summary>T, characters per window.</summary>
    public int Steps { get; }

    /// <summary>The generator the offsets are drawn from; its <see cref="Rng.State"/> is the batcher's position.</summary>
    public Rng Rng { get; }

    /// <summary>Fills the next batch.</summary>
    /// <param name="inputs">Destination (B, T): row b is characters <c>[o_b, o_b + T)</c> of the training split.</param>
    /// <param name="targets">Destination (B, T): row b is characters <c>[o_b + 1, o_b + T + 1)</c>.</param>
    public void Next(Span<int> inputs, Span<int> targets)
    {
        BufferCheck.Length(inputs.Length, BatchSize, Steps, nameof(inputs), "B", "T");
        BufferCheck.Length(targets.Length, BatchSize, Steps, nameof(targets), "B", "T");
        ReadOnlySpan<int> train = _train.Span;
        for (int b = 0; b < BatchSize; b++)
        {
            int offset = Rng.Next(_offsets);
            train.Slice(offset, Steps).CopyTo(inputs.Slice(b * Steps, Steps));
            train.Slice(offset + 1, Steps).CopyTo(targets.Slice(b * Steps, Steps));
        }
    }

    /// <summary>The next B random windows (an endless source: it never ends a pass).</summary>
    /// <param name="batch">The windows, in a batch object reused from call to call.</param>
    /// <returns>True.</returns>
    public bool TryNext([MaybeNullWhen(false)] out TextBatch batch)
    {
        batch = _batch ??= new TextBatch(BatchSize, Steps);
        Next(batch.Inputs, batch.Targets);
        return true;
    }

    /// <inheritdoc/>
    public void SaveState(TrainingState state) => state.Set("data.windows", Rng);

    /// <inheritdoc/>
    public void LoadState(TrainingState state) => state.Restore("data.windows", Rng);
}
