using System.Numerics;
using System.Text.Json;
using Recurrent.Autodiff;
using Recurrent.Data;
using Recurrent.Layers;
using Recurrent.Losses;
using Recurrent.Tensors;

namespace Recurrent.Models;

/// <summary>
/// The common stack of a sequence model as one container, built from a <see cref="SequentialConfig"/> and saved and
/// loaded as a whole: an embedding of token ids or a frame encoder, recurrent stages, pooling over time, a linear head:
/// <code>
/// e[t] = E[x[t]]  or  e[t] = relu(W_e·x[t] + b_e)  or  e[t] = x[t]       then dropout (InputDropout, training only)
/// h[t] = RNN_k(… RNN_1(e) …)[t]                                  the recurrent stages, in order
/// v = h[len]  or  v = (1/len)·Σ_t h[t]  or  v[t] = h[t]           pooling: last step, mean, or every step
/// ŷ = softmax(W_yh·dropout(v) + b_y)                               the head (OutputDropout, training only; softmax in the loss)
/// </code>
/// </summary>
/// <remarks>
/// Parameters are named after the stages: <c>embedding.weight</c> or <c>frames.weight</c>, <c>rnn0.weight_ih_l0</c>,
/// <c>rnn1.…</c>, <c>head.weight</c>, <c>head.bias</c>. With <see cref="SequencePooling.AllSteps"/> it is an N-N tagger
/// (one class per step), otherwise an N-1 classifier. A model file records the configuration; <see cref="Model.Load(string)"/>
/// rebuilds it.
/// </remarks>
/// <typeparam name="T">Element type.</typeparam>
public sealed class Sequential<T> : Module<T> where T : unmanaged, IFloatingPointIeee754<T>
{
    /// <summary>The kind that model files record.</summary>
    public const string Kind = "sequential";

    private readonly RecurrentLayer<T>[] _recurrent;
    private readonly Tape<T> _inference = new();
    private int[] _ids = [];

    /// <summary>Creates the stack with freshly initialised weights.</summary>
    /// <param name="config">The stages.</param>
    /// <param name="rng">The initialisation's random source.</param>
    public Sequential(SequentialConfig config, Rng rng)
    {
        ArgumentNullException.ThrowIfNull(config);
        ArgumentNullException.ThrowIfNull(rng);
        config.Validate();
        Config = config;
        int size = config.InputSize;
        if (config.EmbeddingSize > 0)
        {
            Embedding = RegisterModule("embedding", new Embedding<T>(config.InputSize, config.EmbeddingSize, rng));
            size = config.EmbeddingSize;
        }
        else if (config.FrameEncoderSize > 0)
        {
            Frames = RegisterModule("frames", new FrameEncoder<T>(size, config.FrameEncoderSize, rng));
            size = config.FrameEncoderSize;
        }
        _recurrent = new RecurrentLayer<T>[config.Recurrent.Count];
        for (int i = 0; i < _recurrent.Length; i++)
        {
            _recurrent[i] = RegisterModule($"rnn{i}", new RecurrentLayer<T>(size, config.Recurrent[i], rng));
            size = _recurrent[i].OutputSize;
        }
        Head = RegisterModule("head", new Linear<T>(size, config.Outputs, rng));
    }

    /// <summary>The stages.</summary>
    public SequentialConfig Config { get; }

    /// <summary>The embedding of token ids, or null.</summary>
    public Embedding<T>? Embedding { get; }

    /// <summary>The frame encoder, or null.</summary>
    public FrameEncoder<T>? Frames { get; }

    /// <summary>The recurrent stages, in order.</summary>
    public IReadOnlyList<RecurrentLayer<T>> Recurrent => _recurrent;

    /// <summary>The output layer, W_yh and b_y.</summary>
    public Linear<T> Head { get; }

    /// <summary>
    /// The head's scores: <c>(B, V)</c> when pooled, <c>(B, T, V)</c> with <see cref="SequencePooling.AllSteps"/>.
    /// </summary>
    /// <param name="tape">The tape.</param>
    /// <param name="x">Feature vectors <c>(B, T, I)</c>; with an embedding, token ids stored as numbers <c>(B, T, 1)</c>.</param>
    /// <param name="lengths">Each sequence's length in <c>[1, T]</c>; empty when all have length T.</param>
    /// <returns>The logits.</returns>
    public Variable<T> Forward(Tape<T> tape, Variable<T> x, ReadOnlySpan<int> lengths = default)
    {
        ArgumentNullException.ThrowIfNull(tape);
        ArgumentNullException.ThrowIfNull(x);
        var h = Embed(tape, x);
        if (IsTraining && Config.InputDropout > 0) h = tape.Dropout(h, Config.InputDropout);
        for (int i = 0; i < _recurrent.Length; i++)
        {
            h = _recurrent[i].Forward(tape, h, null, lengths).Output;
        }
        var pooled = Config.Pooling switch
        {
            SequencePooling.LastStep => LastStates.Of(tape, h, _recurrent[^1].Directions, lengths),
            SequencePooling.Mean => tape.MeanOverSteps(h, lengths),
            _ => h,
        };
        if (IsTraining && Config.OutputDropout > 0) pooled = tape.Dropout(pooled, Config.OutputDropout);
        return Head.Forward(tape, pooled);
    }

    /// <summary>
    /// The mean softmax cross-entropy of a batch (the loss a <c>Trainer</c> minimises; float models only): one class per
    /// sequence when pooled; with <see cref="SequencePooling.AllSteps"/> use the overload that takes one class per step.
    /// </summary>
    /// <param name="tape">The tape.</param>
    /// <param name="batch">Sequences, their classes and lengths.</param>
    /// <returns>The scalar loss in nats.</returns>
    public Variable<T> Loss(Tape<T> tape, SequenceBatch batch)
    {
        ArgumentNullException.ThrowIfNull(batch);
        if (Config.Pooling == SequencePooling.AllSteps) throw new InvalidOperationException("This Sequential scores every step (AllSteps); pass one class per step to Loss(tape, x, targets, lengths).");
        if (batch.Inputs is not Tensor<T> x) throw new NotSupportedException($"A SequenceBatch holds float sequences; this model computes in {typeof(T).Name}.");
        return tape.SoftmaxCrossEntropy(Forward(tape, new Variable<T>(x), batch.VariableLengths), batch.Labels);
    }

    /// <summary>The mean softmax cross-entropy of the targets: one per sequence when pooled, one per step (−1 for none) with all steps.</summary>
    /// <param name="tape">The tape.</param>
    /// <param name="x">Inputs, as <see cref="Forward"/> takes them.</param>
    /// <param name="targets">B classes, or B·T classes for <see cref="SequencePooling.AllSteps"/> (steps past a length are ignored).</param>
    /// <param name="lengths">Each sequence's length; empty when all have length T.</param>
    /// <returns>The scalar loss in nats.</returns>
    public Variable<T> Loss(Tape<T> tape, Variable<T> x, ReadOnlySpan<int> targets, ReadOnlySpan<int> lengths = default) =>
        tape.SoftmaxCrossEntropy(Forward(tape, x, lengths), targets);

    /// <summary>Inference: the most likely class of each sequence (B of them), or of each step (B·T) with all steps.</summary>
    /// <param name="x">Inputs, as <see cref="Forward"/> takes them.</param>
    /// <param name="classes">Receives the classes.</param>
    /// <param name="lengths">Each sequence's length; empty when all have length T.</param>
    public void Predict(Tensor<T> x, Span<int> classes, ReadOnlySpan<int> lengths = default)
    {
        ArgumentNullException.ThrowIfNull(x);
        using var inference = new EvalScope<T>(this);
        _inference.Reset();
        var logits = Forward(_inference, new Variable<T>(x), lengths).Value;
        int v = Config.Outputs, rows = logits.Length / v;
        if (classes.Length != rows) throw new ArgumentException($"classes has room for {classes.Length}; expected {rows}.", nameof(classes));
        var span = logits.Span;
        for (int r = 0; r < rows; r++) classes[r] = TensorPrimitives.IndexOfMax(span.Slice(r * v, v));
    }

    /// <inheritdoc/>
    public override ModelDescription Describe() =>
        new(Kind, JsonSerializer.Serialize(Config, ModelJson.Default.SequentialConfig), Metadata.Count == 0 ? null : new Dictionary<string, string>(Metadata));

    /// <summary>
    /// Strings saved with the model and restored by <see cref="Model.Load(string)"/>: what an application needs to use it
    /// on new data, such as its vocabularies, feature statistics and data columns. Keys and values are free text.
    /// </summary>
    public IDictionary<string, string> Metadata { get; } = new Dictionary<string, string>(StringComparer.Ordinal);

    internal static Sequential<T> FromDescription(ModelDescription description, string file)
    {
        var model = new Sequential<T>(Model.ReadConfig(description, ModelJson.Default.SequentialConfig, file), new Rng(0));
        if (description.Metadata is { } metadata) foreach (var (key, value) in metadata) model.Metadata[key] = value;
        return model;
    }

    private Variable<T> Embed(Tape<T> tape, Variable<T> x)
    {
        if (Embedding is null) return Frames is null ? x : Frames.Forward(tape, x);
        if (x.Value.Rank != 3 || x.Value.Dim(2) != 1) throw new ArgumentException($"x must hold token ids as (B, T, 1); got {Tensor<T>.ShapeText(x.Shape)}.", nameof(x));
        int batch = x.Value.Dim(0), steps = x.Value.Dim(1);
        if (_ids.Length != batch * steps) _ids = new int[batch * steps]; // reused: a warm training step allocates no ids
        var values = x.Value.Span;
        for (int i = 0; i < _ids.Length; i++) _ids[i] = int.CreateChecked(values[i]);
        return tape.Reshape3(Embedding.Forward(tape, _ids), batch, steps);
    }
}
