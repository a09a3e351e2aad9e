using Recurrent.Autodiff;
using Recurrent.Data;
using Recurrent.Distributed;

namespace Recurrent.Training;

/// <summary>
/// The one all-reduce of a data-parallel training step, over one flat buffer allocated once: every rank's gradients
/// weighted by its shard's count, which parameters have a gradient, the carried state of its rows, its count and
/// loss × count, and the flags of rank 0's decisions. After the sum, every rank holds the count-weighted mean gradient
/// of the whole batch, as one process computing it would (up to rounding), and the same decisions.
/// </summary>
/// <remarks>
/// <code>
/// [ n | n·L | cancel | wall_hi | wall_lo | n·∇θ₀ … n·∇θ_{P−1} | has∇ × P | carried state ]
///   n: the shard's count (Σ over ranks = the batch's count N)       → ∇θ = Σ n·∇θ / N,  L = Σ n·L / N
///   cancel: 1 if the rank's token fired (any rank stops the run)
///   wall: rank 0's training seconds as two floats (hi + lo, about 48 bits), 0 on the other ranks, so that every
///         rank takes the time budget, the time-based validation cadence and the cosine schedule's fraction from rank 0
///   has∇: 1 where the parameter got a gradient (a parameter with none on every rank is not updated, as in one process)
///   carried state: the rows of this rank's shard, zeros elsewhere, so the sum is every row's state (exactly: x + 0 = x)
/// </code>
/// </remarks>
internal sealed class GradientExchange
{
    private const int Count = 0, LossTimesCount = 1, Cancel = 2, WallHigh = 3, WallLow = 4, Header = 5;

    private readonly IProcessGroup _group;
    private readonly IReadOnlyList<(string Name, Variable<float> Parameter)> _parameters;
    private readonly int _gradients;
    private readonly float[] _control = new float[4];
    private readonly float[] _sums;
    private float[] _buffer;

    public GradientExchange(IProcessGroup group, IReadOnlyList<(string Name, Variable<float> Parameter)> parameters)
    {
        (_group, _parameters) = (group, parameters);
        for (int i = 0; i < parameters.Count; i++) _gradients += parameters[i].Parameter.Value.Length;
        _buffer = new float[Header + _gradients + parameters.Count];
        _sums = new float[2 * group.Size];
    }

    /// <summary>Rank 0's training seconds at the last exchange: the clock of every rank's time-based decisions.</summary>
    public double Wall { get; private set; }

    /// <summary>Whether some rank's cancellation token had fired at the last exchange.</summary>
    public bool Cancelled { get; private set; }

    /// <summary>
    /// The start of a run: copies rank 0's parameters to every rank, checks that every rank stands at rank 0's step
    /// (resumed from the same checkpoint, or none), and shares the cancellation flags and rank 0's clock.
    /// </summary>
    public void Start(long step, bool cancelled, double wall)
    {
        var values = _buffer.AsSpan(0, Header + _gradients);
        (values[WallHigh], values[WallLow]) = Split(step);          // rank 0's step rides in the header's clock slots
        Pack(values[Header..], gradients: false);
        _group.Broadcast(values);
        if (_group.Rank != 0) Unpack(values[Header..]);
        long first = (long)Join(values[WallHigh], values[WallLow]);

        var control = _control.AsSpan();
        control[0] = step == first ? 0 : 1;
        control[1] = cancelled ? 1 : 0;
        (control[2], control[3]) = _group.Rank == 0 ? Split(wall) : (0, 0);
        _group.AllReduce(control);
        if (control[0] > 0)
        {
            throw new InvalidOperationException(step != first
                ? $"Rank {_group.Rank} stands at step {step} and rank 0 at step {first}; every rank must resume from the same checkpoint, or none."
                : $"{control[0]} rank(s) stand at another step than rank 0's ({first}); every rank must resume from the same checkpoint, or none.");
        }
        (Cancelled, Wall) = (control[1] > 0, Join(control[2], control[3]));
    }

    /// <summary>
    /// Sums every rank's weighted gradients, carried state, counts and flags, and leaves in every parameter's gradient
    /// the count-weighted mean over the whole batch.
    /// </summary>
    /// <param name="count">n, the shard's count.</param>
    /// <param name="loss">The shard's mean loss.</param>
    /// <param name="carry">The shard, if its rows carry state into the next batch.</param>
    /// <param name="cancelled">Whether this rank's cancellation token has fired.</param>
    /// <param name="wall">This rank's training seconds (only rank 0's is used).</param>
    /// <returns>The batch's mean loss, as every rank sees it.</returns>
    public float Reduce(int count, float loss, IShardCarry? carry, bool cancelled, double wall)
    {
        int carried = carry?.CarryLength ?? 0;
        int length = Header + _gradients + _parameters.Count + carried;
        if (_buffer.Length != length) _buffer = new float[length];        // once: when the model first hands back a state
        var values = _buffer.AsSpan();
        // A shard with nothing to predict adds nothing (its loss may be 0/0).
        values[Count] = count;
        values[LossTimesCount] = count == 0 ? 0 : loss * count;
        values[Cancel] = cancelled ? 1 : 0;
        (values[WallHigh], values[WallLow]) = _group.Rank == 0 ? Split(wall) : (0, 0);
        Pack(values[Header..], gradients: true, count);
        if (carried > 0) carry!.WriteCarry(values.Slice(Header + _gradients + _parameters.Count, carried));

        _group.AllReduce(values);

        float total = values[Count];
        UnpackGradients(values[Header..], total);
        if (carried > 0) carry!.ReadCarry(values.Slice(Header + _gradients + _parameters.Count, carried));
        (Cancelled, Wall) = (values[Cancel] > 0, Join(values[WallHigh], values[WallLow]));
        return values[LossTimesCount] / total;
    }

    /// <summary>
    /// Σ over the ranks of <paramref name="value"/>, added in double in rank order on every rank (each rank's value
    /// travels as two floats in a slot of its own, so the all-reduce adds only zeros to it).
    /// </summary>
    public double SumOverRanks(double value)
    {
        var sums = _sums.AsSpan();
        sums.Clear();
        (sums[2 * _group.Rank], sums[2 * _group.Rank + 1]) = Split(value);
        _group.AllReduce(sums);
        double total = 0;
        for (int r = 0; r < _group.Size; r++) total += Join(sums[2 * r], sums[2 * r + 1]);
        return total;
    }

    /// <summary>Writes the parameters' values, or their gradients × <paramref name="weight"/> and the has-gradient flags.</summary>
    private void Pack(Span<float> destination, bool gradients, int weight = 1)
    {
        int offset = 0;
        for (int i = 0; i < _parameters.Count; i++)
        {
            var parameter = _parameters[i].Parameter;
            var part = destination.Slice(offset, parameter.Value.Length);
            offset += part.Length;
            if (!gradients) parameter.Value.Span.CopyTo(part);
            else if (parameter.Grad is { } grad && weight > 0)
            {
                TensorPrimitives.Multiply(grad.Span, weight, part);
                destination[_gradients + i] = 1;
            }
            else
            {
                part.Clear();
                destination[_gradients + i] = parameter.Grad is null ? 0 : 1;
            }
        }
    }

    private void Unpack(ReadOnlySpan<float> source)
    {
        int offset = 0;
        for (int i = 0; i < _parameters.Count; i++)
        {
            var value = _parameters[i].Parameter.Value;
            source.Slice(offset, value.Length).CopyTo(value.Span);
            offset += value.Length;
        }
    }

    private void UnpackGradients(ReadOnlySpan<float> source, float total)
    {
        int offset = 0;
        for (int i = 0; i < _parameters.Count; i++)
        {
            var parameter = _parameters[i].Parameter;
            var part = source.Slice(offset, parameter.Value.Length);
            offset += part.Length;
            if (source[_gradients + i] > 0) TensorPrimitives.Divide(part, total, parameter.GradForAccumulation().Span);
            else parameter.ZeroGrad();
        }
    }

    /// <summary>A double as two floats whose sum restores it to about 48 bits (exactly for integers below 2⁴⁸).</summary>
    private static (float High, float Low) Split(double value)
    {
        float high = (float)value;
        return (high, (float)(value - high));
    }

    private static double Join(float high, float low) => (double)high + low;
}
