using System.Text.Json;
using System.Numerics;
using Recurrent.Autodiff;
using Recurrent.Data;
using Recurrent.Layers;
using Recurrent.Losses;
using Recurrent.Tensors;

namespace Recurrent.Models;

/// <summary>
/// The lecture's one-to-many (1-N) model, as in image captioning: one input vector (an image) and a recurrent decoder
/// that writes a sequence of tokens, one per step, each conditioned on the previous one:
/// <code>
/// f = relu(W_e·x + b_e)                                         (feature encoder)
/// h[0] = tanh(W_init·f + b_init)   or   x[t] = [E·w[t], f]      (conditioning: initial state or every step)
/// h[t+1] = RNN(x[t], h[t]),   p(w[t+1] | w[≤t], x) = softmax(W_yh·h[t+1] + b_y)
/// </code>
/// trained with teacher forcing (the decoder reads <c>&lt;start&gt; w₁ … wₙ</c> and is scored on <c>w₁ … wₙ &lt;end&gt;</c>),
/// and generating by greedy decoding, sampling or beam search (<see cref="DecodeOptions"/>).
/// </summary>
/// <remarks>
/// Parameters: <c>features.weight</c>, <c>features.bias</c>; <c>init_l{k}.weight</c>, <c>init_l{k}.bias</c> (initial-state
/// conditioning; the first state entry of layer k, h or ŷ; an LSTM's c starts at 0); <c>embedding.weight</c> (V, E);
/// <c>rnn.*</c> (PyTorch names); <c>head.weight</c> (V, O), <c>head.bias</c> (V).
/// </remarks>
/// <typeparam name="T">Element type.</typeparam>
public sealed class SequenceGenerator<T> : Module<T> where T : unmanaged, IFloatingPointIeee754<T>
{
    /// <summary>The kind that model files record.</summary>
    public const string Kind = "sequence-generator";

    private readonly Linear<T>[] _init = [];
    private readonly Tape<T> _inference = new();
    private readonly Variable<T>[] _initialState;
    private T[] _mask = [];

    /// <summary>Creates the model with freshly initialised weights.</summary>
    /// <param name="config">Sizes, cell and conditioning.</param>
    /// <param name="rng">The initialisation's random source.</param>
    public SequenceGenerator(SequenceGeneratorConfig config, Rng rng)
    {
        ArgumentNullException.ThrowIfNull(config);
        ArgumentNullException.ThrowIfNull(rng);
        config.Validate();
        Config = config;
        Features = RegisterModule("features", new FrameEncoder<T>(config.FeatureSize, config.FeatureEncoderSize, rng));
        bool everyStep = config.Conditioning == Conditioning.EveryStep;
        Embedding = RegisterModule("embedding", new Embedding<T>(config.Vocabulary, config.EmbeddingSize, rng));
        Rnn = RegisterModule("rnn", new RecurrentLayer<T>(config.EmbeddingSize + (everyStep ? config.FeatureEncoderSize : 0), config.Decoder, rng));
        if (!everyStep)
        {
            _init = new Linear<T>[config.Decoder.Layers];
            for (int k = 0; k < _init.Length; k++) _init[k] = RegisterModule($"init_l{k}", new Linear<T>(config.FeatureEncoderSize, Rnn.State[0].Size, rng));
        }
        Head = RegisterModule("head", new Linear<T>(Rnn.OutputSize, config.Vocabulary, rng));
        _initialState = new Variable<T>[Rnn.State.Count];
    }

    /// <summary>The model's shape.</summary>
    public SequenceGeneratorConfig Config { get; }

    /// <summary>The feature encoder.</summary>
    public FrameEncoder<T> Features { get; }

    /// <summary>The token embedding.</summary>
    public Embedding<T> Embedding { get; }

    /// <summary>The recurrent decoder.</summary>
    public RecurrentLayer<T> Rnn { get; }

    /// <summary>The output layer, W_yh and b_y.</summary>
    public Linear<T> Head { get; }

    /// <summary>Teacher-forced scores: the logits of the next token after each input token, <c>(B, S, V)</c>.</summary>
    /// <param name="tape">The tape.</param>
    /// <param name="features">The input vectors, <c>(B, F)</c>.</param>
    /// <param name="inputs">Decoder inputs <c>&lt;start&gt; w₁ … wₙ</c> and padding, row-major <c>(B, S)</c>.</param>
    /// <returns>The logits.</returns>
    public Variable<T> Forward(Tape<T> tape, Variable<T> features, ReadOnlySpan<int> inputs)
    {
        ArgumentNullException.ThrowIfNull(tape);
        ArgumentNullException.ThrowIfNull(features);
        if (features.Value.Rank != 2 || features.Value.Dim(1) != Config.FeatureSize)
        {
            throw new ArgumentException($"features has shape {Tensor<T>.ShapeText(features.Shape)}; expected (B, F = {Config.FeatureSize}).", nameof(features));
        }
        int batch = features.Value.Dim(0);
        if (inputs.IsEmpty || inputs.Length % batch != 0) throw new ArgumentException($"inputs has {inputs.Length} ids; expected B = {batch} rows of equal length.", nameof(inputs));
        int steps = inputs.Length / batch;
        var f = Features.Forward(tape, features);
        var x = tape.Reshape3(Embedding.Forward(tape, inputs), batch, steps);
        IReadOnlyList<Variable<T>>? initial = null;
        if (Config.Conditioning == Conditioning.EveryStep) x = tape.Concat(x, tape.RepeatSteps(f, steps));
        else initial = InitialState(tape, f, batch);
        return Head.Forward(tape, Rnn.Forward(tape, x, initial).Output);
    }

    /// <summary>The mean cross-entropy of the target tokens over the valid steps (teacher forcing).</summary>
    /// <param name="tape">The tape.</param>
    /// <param name="features">The input vectors, <c>(B, F)</c>.</param>
    /// <param name="targets">Decoder inputs, targets and lengths for B sequences.</param>
    /// <returns>The scalar loss in nats per token.</returns>
    public Variable<T> Loss(Tape<T> tape, Variable<T> features, DecoderSequences targets)
    {
        ArgumentNullException.ThrowIfNull(targets);
        var logits = Forward(tape, features, targets.Inputs);
        return tape.SoftmaxCrossEntropy(logits, targets.Targets, DecoderMask.Fill(ref _mask, targets));
    }

    /// <summary>Generates one token sequence (ids without start and end) per input vector.</summary>
    /// <param name="features">The input vectors, <c>(B, F)</c>.</param>
    /// <param name="options">Strategy, beam width, temperature, length limit; null for greedy.</param>
    /// <returns>B token sequences.</returns>
    public int[][] Generate(Tensor<T> features, DecodeOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(features);
        return SequenceDecoding.Decode(CreateStepDecoder(features), features.Dim(0), options ?? new DecodeOptions(), Config.MaxTokens);
    }

    /// <summary>A decoder that generates from <paramref name="features"/> one token at a time.</summary>
    /// <param name="features">The input vectors, <c>(B, F)</c>.</param>
    /// <returns>The step decoder.</returns>
    internal StepDecoder<T> CreateStepDecoder(Tensor<T> features)
    {
        int batch = features.Dim(0);
        using var inference = new EvalScope<T>(this);
        _inference.Reset();
        var f = Features.Forward(_inference, new Variable<T>(features));
        Tensor<T>? everyStep = null;
        Tensor<T>[]? initial = null;
        if (Config.Conditioning == Conditioning.EveryStep) everyStep = f.Value.Clone();
        else initial = [.. InitialState(_inference, f, batch).Select(v => v.Value.Clone())];
        return new StepDecoder<T>(Rnn, Embedding, Head, batch, initial, everyStep);
    }

    /// <inheritdoc/>
    public override ModelDescription Describe() => new(Kind, JsonSerializer.Serialize(Config, ModelJson.Default.SequenceGeneratorConfig));

    /// <summary>Rebuilds a model saved by <see cref="Serialization.ModuleFiles.Save{T}"/> (see <see cref="Model.Load(string)"/>).</summary>
    /// <param name="path">The model file.</param>
    /// <returns>The model with its saved weights.</returns>
    public static SequenceGenerator<T> Load(string path) => Model.Load<T, SequenceGenerator<T>>(path);

    internal static SequenceGenerator<T> FromDescription(ModelDescription description, string file) =>
        new(Model.ReadConfig(description, ModelJson.Default.SequenceGeneratorConfig, file), new Rng(0));

    /// <summary>h[0] = tanh(W_init·f + b_init) per layer for the first state entry, zeros for the others; (L, B, size) each.</summary>
    private Variable<T>[] InitialState(Tape<T> tape, Variable<T> f, int batch)
    {
        var layers = new Variable<T>[_init.Length];
        for (int k = 0; k < layers.Length; k++) layers[k] = tape.Tanh(_init[k].Forward(tape, f));
        _initialState[0] = tape.StackSteps(layers, batchFirst: false);
        for (int c = 1; c < _initialState.Length; c++)
        {
            int[] shape = [Rnn.Spec.Layers, batch, Rnn.State[c].Size];
            if (_initialState[c]?.Value.HasShape(shape) != true) _initialState[c] = new Variable<T>(new Tensor<T>(shape));
        }
        return _initialState;
    }
}
