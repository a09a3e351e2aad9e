using System.Diagnostics.CodeAnalysis;
using System.Globalization;
using Recurrent.Autodiff;
using Recurrent.Tensors;
using Recurrent.Data;

namespace Recurrent.Data.Text;

/// <summary>
/// Batches for truncated backpropagation through time, the way Karpathy's char-rnn (2015) feeds its model: the
/// training split is cut into B equal contiguous streams, and batch k holds window k of every stream, so row b of
/// batch k + 1 starts where row b of batch k ended and a model can carry its final state into the next batch.
/// </summary>
/// <remarks>
/// <para>
/// With N training characters, stream b starts at <c>b · S</c>, <c>S = ⌊(N − 1) / B⌋</c>, and is read in
/// <c>W = ⌊S / T⌋</c> windows (<see cref="WindowsPerEpoch"/>): window k of stream b has inputs
/// <c>[b·S + k·T, b·S + (k+1)·T)</c> and targets one character later. Gradients flow back only T steps (within a
/// window) while the state, detached, carries information across windows: Williams and Peng's truncated BPTT, and
/// the reason a char-rnn learns dependencies longer than T. The last <c>S − W·T</c> characters of each stream
/// (fewer than T) and the last <c>(N − 1) mod B</c> are never targets.
/// </para>
/// <para>
/// After W batches the streams wrap around to their starts and a new epoch begins: <see cref="StartsStreams"/> is
/// then true, telling training to reset the carried state to zero. The batcher is deterministic; its whole state is
/// <see cref="Position"/>, the number of batches drawn, which a checkpoint saves and restores.
/// <see cref="Next"/> fills caller-provided buffers and allocates nothing.
/// </para>
/// </remarks>
public sealed class StreamBatcher : IBatchSource<TextBatch>, IResumable
{
    private TextBatch? _batch;
    private Variable<float>[]? _carry;
    private bool _passEnded;

    private readonly ReadOnlyMemory<int> _train;
    private long _position;

    /// <summary>Creates a batcher over the training split of <paramref name="corpus"/>.</summary>
    /// <param name="corpus">The corpus; its training split needs at least B·T + 1 characters.</param>
    /// <param name="batchSize">B, the number of streams.</param>
    /// <param name="steps">T, characters per window.</param>
    /// <exception cref="InvalidDataException">The training split is shorter than B·T + 1.</exception>
    public StreamBatcher(CharCorpus corpus, int batchSize, int steps)
    {
        ArgumentNullException.ThrowIfNull(corpus);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(batchSize);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(steps);
        corpus.RequireTrainLength((long)batchSize * steps + 1, string.Create(CultureInfo.InvariantCulture,
            $"B = {batchSize} streams of windows of T = {steps} (B·T + 1 characters)"));
        _train = corpus.Train;
        BatchSize = batchSize;
        Steps = steps;
        StreamLength = (_train.Length - 1) / batchSize;
        WindowsPerEpoch = StreamLength / steps;
    }

    /// <summary>B, the number of streams (rows of a batch).</summary>
    public int BatchSize { get; }

    /// <summary>T, characters per window.</summary>
    public int Steps { get; }

    /// <summary>S, the distance between the starts of consecutive streams.</summary>
    public int StreamLength { get; }

    /// <summary>W, the batches in an epoch: windows read from each stream before it wraps around.</summary>
    public int WindowsPerEpoch { get; }

    /// <summary>The number of batches drawn so far; set it to resume from a checkpoint.</summary>
    public long Position
    {
        get => _position;
        set
        {
            ArgumentOutOfRangeException.ThrowIfNegative(value);
            _position = value;
        }
    }

    /// <summary>Completed passes over the streams: <c>Position / W</c>.</summary>
    public long Epoch => _position / WindowsPerEpoch;

    /// <summary>The window the next batch holds, in <c>[0, W)</c>.</summary>
    public int Window => (int)(_position % WindowsPerEpoch);

    /// <summary>True when the next batch begins the streams, so the state carried from the previous batch must be reset.</summary>
    public bool StartsStreams => Window == 0;

    /// <summary>Where stream <paramref name="stream"/> starts in the training split.</summary>
    /// <param name="stream">A stream, in <c>[0, B)</c>.</param>
    /// <returns>Its first character's index, <c>stream · S</c>.</returns>
    public int StreamStart(int stream)
    {
        if ((uint)stream >= (uint)BatchSize)
        {
            throw new ArgumentOutOfRangeException(nameof(stream), $"Stream {stream} is outside the batcher's {BatchSize} streams [0, {BatchSize}).");
        }
        return stream * StreamLength;
    }

    /// <summary>Fills the next batch, window <see cref="Window"/> of every stream, and advances <see cref="Position"/>.</summary>
    /// <param name="inputs">Destination (B, T): row b is characters <c>[b·S + k·T, b·S + (k+1)·T)</c>.</param>
    /// <param name="targets">Destination (B, T): the same characters shifted one later.</param>
    public void Next(Span<int> inputs, Span<int> targets)
    {
        BufferCheck.Length(inputs.Length, BatchSize, Steps, nameof(inputs), "B", "T");
        BufferCheck.Length(targets.Length, BatchSize, Steps, nameof(targets), "B", "T");
        ReadOnlySpan<int> train = _train.Span;
        int within = Window * Steps;
        for (int b = 0; b < BatchSize; b++)
        {
            int start = b * StreamLength + within;
            train.Slice(start, Steps).CopyTo(inputs.Slice(b * Steps, Steps));
            train.Slice(start + 1, Steps).CopyTo(targets.Slice(b * Steps, Steps));
        }
        _position++;
    }

    /// <summary>
    /// The next window of every stream, starting from the state the previous window ended in (zeros at the start of
    /// a pass). Returns false once at the end of each pass.
    /// </summary>
    /// <param name="batch">The windows, in a batch object reused from call to call.</param>
    /// <returns>Whether a batch was produced.</returns>
    public bool TryNext([MaybeNullWhen(false)] out TextBatch batch)
    {
        batch = _batch ??= new TextBatch(BatchSize, Steps);
        if (batch.TakeFinalState() is { } final) Carry(final);
        if (StartsStreams && _position > 0 && !_passEnded)
        {
            _passEnded = true;
            batch = null;
            return false;
        }
        _passEnded = false;
        if (StartsStreams && _carry is not null) foreach (var c in _carry) c.Value.Clear();
        Next(batch.Inputs, batch.Targets);
        batch.InitialState = _carry;
        return true;
    }

    private void Carry(IReadOnlyList<Variable<float>> final)
    {
        if (_carry is null || _carry.Length != final.Count)
        {
            _carry = final.Select(f => new Variable<float>(new Tensor<float>(f.Shape.ToArray()))).ToArray();
        }
        for (int c = 0; c < _carry.Length; c++) final[c].Value.Span.CopyTo(_carry[c].Value.Span);
    }

    /// <inheritdoc/>
    public int? BatchesPerPass => WindowsPerEpoch;

    /// <inheritdoc/>
    public void SaveState(TrainingState state)
    {
        ArgumentNullException.ThrowIfNull(state);
        if (_batch?.TakeFinalState() is { } final) Carry(final);
        state.Set("data.stream_position", _position);
        state.Set("data.pass_ended", _passEnded ? 1 : 0);
        for (int c = 0; _carry is not null && c < _carry.Length; c++) state.Tensors["data.carry" + c] = _carry[c].Value;
    }

    /// <inheritdoc/>
    public void LoadState(TrainingState state)
    {
        ArgumentNullException.ThrowIfNull(state);
        long position = state.GetInt64("data.stream_position");
        if (position < 0) throw new InvalidDataException($"training state 'data.stream_position' is {position}; expected a count of batches, at least 0.");
        bool passEnded = state.GetInt64("data.pass_ended") != 0;
        var carry = new List<Variable<float>>();
        while (state.Tensors.TryGetValue("data.carry" + carry.Count, out var tensor))
        {
            if (tensor.Rank != 3 || tensor.Dim(1) != BatchSize)
            {
                throw new InvalidDataException($"training state 'data.carry{carry.Count}' is {Tensor<float>.ShapeText(tensor.Shape)}; expected (L·D, B = {BatchSize}, H), one row per stream.");
            }
            carry.Add(new Variable<float>(tensor.Clone()));
        }
        (_position, _passEnded) = (position, passEnded);
        _carry = carry.Count > 0 ? [.. carry] : null;
    }
}
