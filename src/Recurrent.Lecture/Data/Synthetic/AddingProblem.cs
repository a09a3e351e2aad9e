using System.Numerics;
using Recurrent.Tensors;

namespace Recurrent.Lecture.Data.Synthetic;

/// <summary>
/// The adding problem, a many-to-one (N-1) regression that needs a memory of T steps: Hochreiter and Schmidhuber,
/// "Long short-term memory" (1997, experiment 4), in the form of Le, Jaitly and Hinton, "A simple way to initialize
/// recurrent networks of rectified linear units" (2015) and Arjovsky, Shah and Bengio, "Unitary evolution recurrent
/// neural networks" (2016).
/// </summary>
/// <remarks>
/// <para>
/// Each sequence has T steps of I = 2 features: <c>x[t, 0] ~ U[0, 1)</c> and a marker <c>x[t, 1]</c> that is 1 at
/// exactly two steps, <c>p ~ U{0, …, ⌊T/2⌋ − 1}</c> in the first half and <c>q ~ U{⌊T/2⌋, …, T − 1}</c> in the second,
/// and 0 elsewhere. The target is <c>y = x[p, 0] + x[q, 0]</c>, read after the last step: the network must find the
/// marked values and hold the first for up to T steps while ignoring everything else.
/// </para>
/// <para>
/// Baseline: a model that ignores its input predicts E[y] = 1 and scores
/// <c>MSE = Var(x[p, 0] + x[q, 0]) = 2 · 1/12 = 1/6 ≈ 0.167</c> (<see cref="BaselineMse"/>); learning the task means
/// going clearly below it. Inputs are <c>(B, T, 2)</c> batch-first, targets <c>(B, 1)</c>.
/// </para>
/// </remarks>
public sealed class AddingProblem
{
    /// <summary>I, the features per step: the value and the marker.</summary>
    public const int Features = 2;

    /// <summary>The mean squared error of always predicting 1, the mean of the target: 1/6.</summary>
    public const double BaselineMse = 1.0 / 6.0;

    /// <summary>Creates the problem for sequences of <paramref name="steps"/> steps.</summary>
    /// <param name="steps">T, at least 2 (one marker per half).</param>
    public AddingProblem(int steps)
    {
        if (steps < 2) throw new ArgumentOutOfRangeException(nameof(steps), $"steps is {steps}; the adding problem needs T ≥ 2, one marker in each half.");
        Steps = steps;
    }

    /// <summary>T, steps per sequence.</summary>
    public int Steps { get; }

    /// <summary>Fills <paramref name="inputs"/> and <paramref name="targets"/> with B fresh sequences drawn from <paramref name="rng"/>.</summary>
    /// <typeparam name="T">Element type.</typeparam>
    /// <param name="rng">The random source; the same state gives the same batch.</param>
    /// <param name="inputs">Destination (B, T, 2).</param>
    /// <param name="targets">Destination (B, 1): the sum of the two marked values, as stored in <paramref name="inputs"/>.</param>
    public void Fill<T>(Rng rng, Tensor<T> inputs, Tensor<T> targets) where T : unmanaged, IFloatingPointIeee754<T>
    {
        ArgumentNullException.ThrowIfNull(rng);
        ArgumentNullException.ThrowIfNull(inputs);
        ArgumentNullException.ThrowIfNull(targets);
        int batch = inputs.Rank == 3 ? inputs.Dim(0) : -1;
        if (batch < 0 || inputs.Dim(1) != Steps || inputs.Dim(2) != Features)
        {
            throw new ArgumentException($"inputs has shape {Tensor<T>.ShapeText(inputs.Shape)}; expected (B, T, 2) with T = {Steps}.", nameof(inputs));
        }
        if (!targets.HasShape([batch, 1]))
        {
            throw new ArgumentException($"targets has shape {Tensor<T>.ShapeText(targets.Shape)}; expected (B, 1) = ({batch}, 1).", nameof(targets));
        }
        Span<T> x = inputs.Span;
        Span<T> y = targets.Span;
        int half = Steps / 2;
        for (int b = 0; b < batch; b++)
        {
            Span<T> sequence = x.Slice(b * Steps * Features, Steps * Features);
            for (int t = 0; t < Steps; t++)
            {
                sequence[t * Features] = T.CreateTruncating(rng.NextDouble());
                sequence[t * Features + 1] = T.Zero;
            }
            int p = rng.Next(half);
            int q = rng.Next(half, Steps);
            sequence[p * Features + 1] = T.One;
            sequence[q * Features + 1] = T.One;
            y[b] = sequence[p * Features] + sequence[q * Features];
        }
    }

    /// <summary>A new batch of <paramref name="batchSize"/> sequences.</summary>
    /// <param name="rng">The random source.</param>
    /// <param name="batchSize">B.</param>
    /// <returns>Inputs (B, T, 2) and targets (B, 1).</returns>
    public (Tensor<float> Inputs, Tensor<float> Targets) Sample(Rng rng, int batchSize)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(batchSize);
        var inputs = new Tensor<float>(batchSize, Steps, Features);
        var targets = new Tensor<float>(batchSize, 1);
        Fill(rng, inputs, targets);
        return (inputs, targets);
    }
}
