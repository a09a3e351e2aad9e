using System.Text.Json;
using System.Numerics;
using Recurrent.Autodiff;
using Recurrent.Data;
using Recurrent.Layers;
using Recurrent.Losses;
using Recurrent.Tensors;

namespace Recurrent.Models;

/// <summary>
/// The lecture's sequence-to-sequence (N-M) model (Sutskever, Vinyals and Le, 2014; Cho et al., 2014), as in
/// translation and video description: an encoder reads the source, its final state starts a decoder that writes the
/// target one token at a time, optionally attending over the encoder's outputs:
/// <code>
/// h̄[j+1] = RNN_enc(x[j+1], h̄[j])                  j = 0 … len_x − 1
/// h[0] = h̄[len_x]                                 (the encoder's final state: h, and c for LSTM)
/// h[t+1] = RNN_dec(E_y·w[t], h[t])
/// p(w[t+1] | w[≤t], x) = softmax(W_yh·h[t+1] + b_y)        or W_yh·h̃[t+1] with attention (<see cref="LuongAttention{T}"/>)
/// </code>
/// trained with teacher forcing and decoded greedily, by sampling or by beam search (<see cref="DecodeOptions"/>).
/// </summary>
/// <remarks>
/// Parameters: <c>source_embedding.weight</c> (token sources) or <c>frames.*</c> (feature sources with a frame
/// encoder); <c>encoder.weight_ih_l0</c> …; <c>target_embedding.weight</c>; <c>decoder.weight_ih_l0</c> …;
/// <c>attention.weight</c>, <c>attention.combine.*</c>; <c>head.weight</c> (V_y, O), <c>head.bias</c>. Variable-length
/// sources: the encoder stops at each source's length, and attention gives padded steps no weight.
/// </remarks>
/// <typeparam name="T">Element type.</typeparam>
public sealed class Seq2Seq<T> : Module<T> where T : unmanaged, IFloatingPointIeee754<T>
{
    /// <summary>The kind that model files record.</summary>
    public const string Kind = "seq2seq";

    private readonly Tape<T> _inference = new();
    private Variable<T>? _source;
    private T[] _mask = [];

    /// <summary>Creates the model with freshly initialised weights.</summary>
    /// <param name="config">Vocabularies, sizes, cell, attention.</param>
    /// <param name="rng">The initialisation's random source.</param>
    public Seq2Seq(Seq2SeqConfig config, Rng rng)
    {
        ArgumentNullException.ThrowIfNull(config);
        ArgumentNullException.ThrowIfNull(rng);
        config.Validate();
        Config = config;
        int input;
        if (config.SourceVocabulary > 0)
        {
            SourceEmbedding = RegisterModule("source_embedding", new Embedding<T>(config.SourceVocabulary, config.EmbeddingSize, rng));
            input = config.EmbeddingSize;
        }
        else if (config.FrameEncoderSize > 0)
        {
            Frames = RegisterModule("frames", new FrameEncoder<T>(config.SourceFeatures, config.FrameEncoderSize, rng));
            input = config.FrameEncoderSize;
        }
        else input = config.SourceFeatures;
        Encoder = RegisterModule("encoder", new RecurrentLayer<T>(input, config.Rnn, rng));
        TargetEmbedding = RegisterModule("target_embedding", new Embedding<T>(config.TargetVocabulary, config.EmbeddingSize, rng));
        Decoder = RegisterModule("decoder", new RecurrentLayer<T>(config.EmbeddingSize, config.Rnn, rng));
        if (config.Attention) Attention = RegisterModule("attention", new LuongAttention<T>(Decoder.OutputSize, rng));
        Head = RegisterModule("head", new Linear<T>(Decoder.OutputSize, config.TargetVocabulary, rng));
    }

    /// <summary>The model's shape.</summary>
    public Seq2SeqConfig Config { get; }

    /// <summary>The source token embedding, or null for feature sources.</summary>
    public Embedding<T>? SourceEmbedding { get; }

    /// <summary>The frame encoder of feature sources, or null.</summary>
    public FrameEncoder<T>? Frames { get; }

    /// <summary>The encoder.</summary>
    public RecurrentLayer<T> Encoder { get; }

    /// <summary>The target token embedding.</summary>
    public Embedding<T> TargetEmbedding { get; }

    /// <summary>The decoder.</summary>
    public RecurrentLayer<T> Decoder { get; }

    /// <summary>The attention, or null.</summary>
    public LuongAttention<T>? Attention { get; }

    /// <summary>The output layer, W_yh and b_y.</summary>
    public Linear<T> Head { get; }

    /// <summary>Runs the encoder: its outputs at every source step <c>(B, T_x, O)</c> (zero past each length) and its final state.</summary>
    /// <param name="tape">The tape.</param>
    /// <param name="source">The sources.</param>
    /// <returns>The encoder's outputs and final state.</returns>
    public RecurrentOutput<T> Encode(Tape<T> tape, SourceBatch<T> source)
    {
        ArgumentNullException.ThrowIfNull(tape);
        ArgumentNullException.ThrowIfNull(source);
        Variable<T> x;
        if (SourceEmbedding is not null)
        {
            if (source.Ids is null) throw new ArgumentException($"This model reads token sources (V_x = {Config.SourceVocabulary}); got feature vectors.", nameof(source));
            x = tape.Reshape3(SourceEmbedding.Forward(tape, source.Ids), source.Batch, source.Steps);
        }
        else
        {
            if (source.Features is null) throw new ArgumentException($"This model reads feature sources (I = {Config.SourceFeatures}); got token ids.", nameof(source));
            if (_source is null || !ReferenceEquals(_source.Value, source.Features)) _source = new Variable<T>(source.Features);
            x = Frames is null ? _source : Frames.Forward(tape, _source);
        }
        return Encoder.Forward(tape, x, null, source.Lengths);
    }

    /// <summary>Teacher-forced scores: the logits of the next target token after each decoder input, <c>(B, S, V_y)</c>.</summary>
    /// <param name="tape">The tape.</param>
    /// <param name="source">The sources.</param>
    /// <param name="decoderInputs">Decoder inputs <c>&lt;start&gt; w₁ … wₙ</c> and padding, row-major <c>(B, S)</c>.</param>
    /// <returns>The logits.</returns>
    public Variable<T> Forward(Tape<T> tape, SourceBatch<T> source, ReadOnlySpan<int> decoderInputs)
    {
        var encoded = Encode(tape, source);
        int batch = source.Batch;
        if (decoderInputs.IsEmpty || decoderInputs.Length % batch != 0)
        {
            throw new ArgumentException($"decoderInputs has {decoderInputs.Length} ids; expected B = {batch} rows of equal length.", nameof(decoderInputs));
        }
        var y = tape.Reshape3(TargetEmbedding.Forward(tape, decoderInputs), batch, decoderInputs.Length / batch);
        var h = Decoder.Forward(tape, y, encoded.FinalState).Output;
        if (Attention is not null) h = Attention.Forward(tape, h, encoded.Output, source.Lengths);
        return Head.Forward(tape, h);
    }

    /// <summary>The mean cross-entropy of the target tokens over the valid steps (teacher forcing).</summary>
    /// <param name="tape">The tape.</param>
    /// <param name="source">The sources.</param>
    /// <param name="targets">Decoder inputs, targets and lengths.</param>
    /// <returns>The scalar loss in nats per token.</returns>
    public Variable<T> Loss(Tape<T> tape, SourceBatch<T> source, DecoderSequences targets)
    {
        ArgumentNullException.ThrowIfNull(targets);
        var logits = Forward(tape, source, targets.Inputs);
        return tape.SoftmaxCrossEntropy(logits, targets.Targets, DecoderMask.Fill(ref _mask, targets));
    }

    /// <summary>Generates one target sequence (ids without start and end) per source.</summary>
    /// <param name="source">The sources.</param>
    /// <param name="options">Strategy, beam width, temperature, length limit; null for greedy.</param>
    /// <returns>B token sequences.</returns>
    public int[][] Generate(SourceBatch<T> source, DecodeOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(source);
        return SequenceDecoding.Decode(CreateStepDecoder(source), source.Batch, options ?? new DecodeOptions(), Config.MaxTargetTokens);
    }

    /// <summary>Encodes <paramref name="source"/> and returns a decoder that continues from it one token at a time.</summary>
    /// <param name="source">The sources.</param>
    /// <returns>The step decoder.</returns>
    internal StepDecoder<T> CreateStepDecoder(SourceBatch<T> source)
    {
        using var inference = new EvalScope<T>(this);
        _inference.Reset();
        var encoded = Encode(_inference, source);
        Tensor<T>[] initial = [.. encoded.FinalState.Select(s => s.Value.Clone())];
        return Attention is null
            ? new StepDecoder<T>(Decoder, TargetEmbedding, Head, source.Batch, initial)
            : new StepDecoder<T>(Decoder, TargetEmbedding, Head, source.Batch, initial, null, Attention,
                encoded.Output.Value.Clone(), Attention.Keys(_inference, encoded.Output).Value.Clone(), source.Lengths);
    }

    /// <inheritdoc/>
    public override ModelDescription Describe() =>
        new(Kind, JsonSerializer.Serialize(Config, ModelJson.Default.Seq2SeqConfig), Metadata.Count == 0 ? null : new Dictionary<string, string>(Metadata));

    /// <summary>
    /// Strings saved with the model and restored by <see cref="Model.Load(string)"/>: what an application needs to use it
    /// on new data, such as its vocabularies, feature statistics and data columns. Keys and values are free text.
    /// </summary>
    public IDictionary<string, string> Metadata { get; } = new Dictionary<string, string>(StringComparer.Ordinal);

    /// <summary>Rebuilds a model saved by <see cref="Serialization.ModuleFiles.Save{T}"/> (see <see cref="Model.Load(string)"/>).</summary>
    /// <param name="path">The model file.</param>
    /// <returns>The model with its saved weights.</returns>
    public static Seq2Seq<T> Load(string path) => Model.Load<T, Seq2Seq<T>>(path);

    internal static Seq2Seq<T> FromDescription(ModelDescription description, string file)
    {
        var model = new Seq2Seq<T>(Model.ReadConfig(description, ModelJson.Default.Seq2SeqConfig, file), new Rng(0));
        if (description.Metadata is { } metadata) foreach (var (key, value) in metadata) model.Metadata[key] = value;
        return model;
    }
}
