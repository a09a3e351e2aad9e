using System.Text.Json;
using System.Numerics;
using Recurrent.Autodiff;
using Recurrent.Layers;
using Recurrent.Losses;
using Recurrent.Tensors;

namespace Recurrent.Models;

/// <summary>
/// The lecture's synchronous many-to-many (N-N) model: one label per input step, read from the recurrent layer's output
/// at that step, optionally bidirectional so that each label sees the whole sequence:
/// <code>
/// h[t+1] = RNN(x[t+1], h[t])                       (forward; with D = 2 also a reverse pass, concatenated)
/// ŷ[t+1] = softmax(W_yh·h[t+1] + b_y)              for every valid step
/// L = Σ_{b, t &lt; len_b} −log ŷ[b, t][y_bt] / Σ_b len_b  (padded steps masked out)
/// </code>
/// </summary>
/// <remarks>
/// Parameters: <c>frames.*</c> (optional), <c>rnn.weight_ih_l0</c> … (PyTorch names, <c>_reverse</c> for the backward
/// direction), <c>head.weight</c> (V, D·O), <c>head.bias</c> (V). Any cell works, Jordan and Elman–Jordan included
/// (their ŷ, of size <see cref="RecurrentSpec.CellOutputSize"/>, is what the head reads, or with
/// <see cref="SequenceTaggerConfig.CellOutputIsPrediction"/> the logits themselves, fed back as the lecture's Jordan network does).
/// </remarks>
/// <typeparam name="T">Element type.</typeparam>
public sealed class SequenceTagger<T> : Module<T> where T : unmanaged, IFloatingPointIeee754<T>
{
    /// <summary>The kind that model files record.</summary>
    public const string Kind = "sequence-tagger";

    private readonly Tape<T> _inference = new();
    private T[] _mask = [];

    /// <summary>Creates the model with freshly initialised weights.</summary>
    /// <param name="config">Sizes and cell.</param>
    /// <param name="rng">The initialisation's random source.</param>
    public SequenceTagger(SequenceTaggerConfig config, Rng rng)
    {
        ArgumentNullException.ThrowIfNull(config);
        ArgumentNullException.ThrowIfNull(rng);
        config.Validate();
        Config = config;
        int input = config.InputSize;
        if (config.FrameEncoderSize > 0)
        {
            Frames = RegisterModule("frames", new FrameEncoder<T>(input, config.FrameEncoderSize, rng));
            input = config.FrameEncoderSize;
        }
        Rnn = RegisterModule("rnn", new RecurrentLayer<T>(input, config.Encoder, rng));
        if (!config.CellOutputIsPrediction) Head = RegisterModule("head", new Linear<T>(Rnn.OutputSize, config.Classes, rng));
    }

    /// <summary>The model's shape.</summary>
    public SequenceTaggerConfig Config { get; }

    /// <summary>The frame encoder, or null.</summary>
    public FrameEncoder<T>? Frames { get; }

    /// <summary>The recurrent layer.</summary>
    public RecurrentLayer<T> Rnn { get; }

    /// <summary>The output layer, W_yh and b_y, or null when the cell's own output is the prediction.</summary>
    public Linear<T>? Head { get; }

    /// <summary>Scores (logits) for every step, <c>(B, T, V)</c>; rows of padded steps are the head's bias and are to be ignored.</summary>
    /// <param name="tape">The tape.</param>
    /// <param name="x">Inputs <c>(B, T, I)</c>.</param>
    /// <param name="lengths">Each sequence's length in <c>[1, T]</c>; empty when all have length T.</param>
    /// <returns>The logits.</returns>
    public Variable<T> Forward(Tape<T> tape, Variable<T> x, ReadOnlySpan<int> lengths = default)
    {
        ArgumentNullException.ThrowIfNull(tape);
        var input = Frames is null ? x : Frames.Forward(tape, x);
        var output = Rnn.Forward(tape, input, null, lengths).Output;
        return Head is null ? output : Head.Forward(tape, output);
    }

    /// <summary>The mean softmax cross-entropy over every valid step.</summary>
    /// <param name="tape">The tape.</param>
    /// <param name="x">Inputs <c>(B, T, I)</c>.</param>
    /// <param name="labels">The label of every step, row-major <c>(B, T)</c>; a negative label is ignored.</param>
    /// <param name="lengths">Each sequence's length in <c>[1, T]</c>; empty when all have length T.</param>
    /// <returns>The scalar loss in nats per step.</returns>
    public Variable<T> Loss(Tape<T> tape, Variable<T> x, ReadOnlySpan<int> labels, ReadOnlySpan<int> lengths = default)
    {
        var logits = Forward(tape, x, lengths);
        return tape.SoftmaxCrossEntropy(logits, labels, StepMask(x.Value.Dim(0), x.Value.Dim(1), lengths));
    }

    /// <summary>Inference: the most likely label of every step, row-major <c>(B, T)</c> (padded steps get 0).</summary>
    /// <param name="x">Inputs <c>(B, T, I)</c>.</param>
    /// <param name="labels">Receives B·T labels.</param>
    /// <param name="lengths">Each sequence's length; empty when all have length T.</param>
    public void Predict(Tensor<T> x, Span<int> labels, ReadOnlySpan<int> lengths = default)
    {
        ArgumentNullException.ThrowIfNull(x);
        int batch = x.Dim(0), steps = x.Dim(1), v = Config.Classes;
        if (labels.Length != batch * steps) throw new ArgumentException($"labels has room for {labels.Length}; expected B·T = {batch * steps}.", nameof(labels));
        using var inference = new EvalScope<T>(this);
        _inference.Reset();
        var logits = Forward(_inference, new Variable<T>(x), lengths).Value.Span;
        for (int b = 0; b < batch; b++)
        {
            int length = lengths.IsEmpty ? steps : lengths[b];
            for (int t = 0; t < steps; t++)
            {
                int row = b * steps + t;
                labels[row] = t < length ? TensorPrimitives.IndexOfMax(logits.Slice(row * v, v)) : 0;
            }
        }
    }

    /// <inheritdoc/>
    public override ModelDescription Describe() => new(Kind, JsonSerializer.Serialize(Config, ModelJson.Default.SequenceTaggerConfig));

    /// <summary>Rebuilds a model saved by <see cref="Serialization.ModuleFiles.Save{T}"/> (see <see cref="Model.Load(string)"/>).</summary>
    /// <param name="path">The model file.</param>
    /// <returns>The model with its saved weights.</returns>
    public static SequenceTagger<T> Load(string path) => Model.Load<T, SequenceTagger<T>>(path);

    internal static SequenceTagger<T> FromDescription(ModelDescription description, string file) =>
        new(Model.ReadConfig(description, ModelJson.Default.SequenceTaggerConfig, file), new Rng(0));

    /// <summary>1 for each valid step and 0 for each padded one, <c>(B·T)</c>, or empty when every step is valid.</summary>
    private ReadOnlySpan<T> StepMask(int batch, int steps, ReadOnlySpan<int> lengths)
    {
        if (lengths.IsEmpty) return default;
        if (_mask.Length < batch * steps) _mask = new T[batch * steps];
        for (int b = 0; b < batch; b++)
        {
            for (int t = 0; t < steps; t++) _mask[b * steps + t] = t < lengths[b] ? T.One : T.Zero;
        }
        return _mask.AsSpan(0, batch * steps);
    }
}
