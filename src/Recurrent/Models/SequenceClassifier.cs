using System.Text.Json;
using System.Numerics;
using Recurrent.Autodiff;
using Recurrent.Data;
using Recurrent.Layers;
using Recurrent.Losses;
using Recurrent.Tensors;

namespace Recurrent.Models;

/// <summary>
/// The lecture's many-to-one (N-1) model, as in activity recognition: a recurrent encoder reads the whole sequence and
/// a softmax head classifies one vector pooled from its outputs, either the last step ("último paso") or the mean over
/// steps ("promedio"):
/// <code>
/// e[t] = relu(W_e·x[t] + b_e)                 (optional frame encoder)
/// h[t+1] = RNN(e[t+1], h[t])                   t = 0 … len_b − 1
/// v = h[len_b]   or   v = (1/len_b)·Σ_t h[t]   (pooling over the valid steps only)
/// ŷ = softmax(W_yh·v + b_y)
/// </code>
/// </summary>
/// <remarks>
/// Variable-length batches: sequence b runs over its <c>len_b</c> steps; padded steps change nothing (the recurrent layer
/// skips them and the pooling ignores them), so a padded batch gives each sequence the result it gets alone. Parameters:
/// <c>frames.weight</c>, <c>frames.bias</c> (with a frame encoder), <c>rnn.weight_ih_l0</c> … (PyTorch names),
/// <c>head.weight</c> (V, D·O), <c>head.bias</c> (V). With <c>Outputs = 1</c> the head is a linear regressor (the adding problem).
/// </remarks>
/// <typeparam name="T">Element type.</typeparam>
public sealed class SequenceClassifier<T> : Module<T> where T : unmanaged, IFloatingPointIeee754<T>
{
    /// <summary>The kind that model files record.</summary>
    public const string Kind = "sequence-classifier";

    private readonly Tape<T> _inference = new();

    /// <summary>Creates the model with freshly initialised weights.</summary>
    /// <param name="config">Sizes, cell and pooling.</param>
    /// <param name="rng">The initialisation's random source.</param>
    public SequenceClassifier(SequenceClassifierConfig config, Rng rng)
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
        Head = RegisterModule("head", new Linear<T>(Rnn.OutputSize, config.Outputs, rng));
    }

    /// <summary>The model's shape.</summary>
    public SequenceClassifierConfig Config { get; }

    /// <summary>The frame encoder, or null.</summary>
    public FrameEncoder<T>? Frames { get; }

    /// <summary>The recurrent encoder.</summary>
    public RecurrentLayer<T> Rnn { get; }

    /// <summary>The output layer, W_yh and b_y.</summary>
    public Linear<T> Head { get; }

    /// <summary>The pooled vector v of each sequence, <c>(B, D·O)</c>, before the head.</summary>
    /// <param name="tape">The tape.</param>
    /// <param name="x">Inputs <c>(B, T, I)</c>; steps past a sequence's length are ignored.</param>
    /// <param name="lengths">Each sequence's length in <c>[1, T]</c>; empty when all have length T.</param>
    /// <returns>v.</returns>
    public Variable<T> Pool(Tape<T> tape, Variable<T> x, ReadOnlySpan<int> lengths = default)
    {
        ArgumentNullException.ThrowIfNull(tape);
        var input = Frames is null ? x : Frames.Forward(tape, x);
        var output = Rnn.Forward(tape, input, null, lengths).Output;
        if (Config.Pooling == TimePooling.Mean) return tape.MeanOverSteps(output, lengths);
        return LastStates.Of(tape, output, Rnn.Directions, lengths);
    }

    /// <summary>The head's scores (logits) for each sequence, <c>(B, V)</c>.</summary>
    /// <param name="tape">The tape.</param>
    /// <param name="x">Inputs <c>(B, T, I)</c>.</param>
    /// <param name="lengths">Each sequence's length in <c>[1, T]</c>; empty when all have length T.</param>
    /// <returns>W_yh·v + b_y.</returns>
    public Variable<T> Forward(Tape<T> tape, Variable<T> x, ReadOnlySpan<int> lengths = default) => Head.Forward(tape, Pool(tape, x, lengths));

    /// <summary>The mean softmax cross-entropy of the true classes.</summary>
    /// <param name="tape">The tape.</param>
    /// <param name="x">Inputs <c>(B, T, I)</c>.</param>
    /// <param name="labels">The class of each sequence, in <c>[0, V)</c>.</param>
    /// <param name="lengths">Each sequence's length in <c>[1, T]</c>; empty when all have length T.</param>
    /// <returns>The scalar loss in nats.</returns>
    public Variable<T> Loss(Tape<T> tape, Variable<T> x, ReadOnlySpan<int> labels, ReadOnlySpan<int> lengths = default)
        => tape.SoftmaxCrossEntropy(Forward(tape, x, lengths), labels);

    /// <summary>The mean softmax cross-entropy of a batch (the loss a <c>Trainer</c> minimises; float models only).</summary>
    /// <param name="tape">The tape.</param>
    /// <param name="batch">Sequences, their classes and lengths.</param>
    /// <returns>The scalar loss in nats.</returns>
    public Variable<T> Loss(Tape<T> tape, SequenceBatch batch)
    {
        ArgumentNullException.ThrowIfNull(batch);
        if (batch.Inputs is not Tensor<T> x) throw new NotSupportedException($"A SequenceBatch holds float sequences; this model computes in {typeof(T).Name}.");
        return Loss(tape, new Variable<T>(x), batch.Labels, batch.VariableLengths);
    }

    /// <summary>Inference: the most likely class of each sequence.</summary>
    /// <param name="x">Inputs <c>(B, T, I)</c>.</param>
    /// <param name="classes">Receives B class ids.</param>
    /// <param name="lengths">Each sequence's length; empty when all have length T.</param>
    public void Predict(Tensor<T> x, Span<int> classes, ReadOnlySpan<int> lengths = default)
    {
        ArgumentNullException.ThrowIfNull(x);
        if (classes.Length != x.Dim(0)) throw new ArgumentException($"classes has room for {classes.Length}; expected B = {x.Dim(0)}.", nameof(classes));
        using var inference = new EvalScope<T>(this);
        _inference.Reset();
        var logits = Forward(_inference, new Variable<T>(x), lengths).Value.Span;
        int v = Config.Outputs;
        for (int b = 0; b < classes.Length; b++) classes[b] = TensorPrimitives.IndexOfMax(logits.Slice(b * v, v));
    }

    /// <inheritdoc/>
    public override ModelDescription Describe() => new(Kind, JsonSerializer.Serialize(Config, ModelJson.Default.SequenceClassifierConfig));

    /// <summary>Rebuilds a model saved by <see cref="Serialization.ModuleFiles.Save{T}"/> (see <see cref="Model.Load(string)"/>).</summary>
    /// <param name="path">The model file.</param>
    /// <returns>The model with its saved weights.</returns>
    public static SequenceClassifier<T> Load(string path) => Model.Load<T, SequenceClassifier<T>>(path);

    internal static SequenceClassifier<T> FromDescription(ModelDescription description, string file) =>
        new(Model.ReadConfig(description, ModelJson.Default.SequenceClassifierConfig, file), new Rng(0));
}
