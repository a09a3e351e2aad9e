using System.Numerics;
using System.Text.Json;
using Recurrent.Data.Text;
using Recurrent.Training;
using Recurrent.Autodiff;
using Recurrent.Losses;
using Recurrent.Layers;
using Recurrent.Serialization;
using Recurrent.Tensors;

namespace Recurrent.Models;

/// <summary>
/// The lecture's character-level language model (Karpathy, "The Unreasonable Effectiveness of Recurrent Neural
/// Networks", 2015), an N-N model: each character is embedded, a stack of recurrent layers reads the sequence, and
/// a linear decoder with a softmax predicts the next character at every step:
/// <code>
/// e[t] = E[x[t]]     h[t] = RNN(e[t], h[t−1])     ŷ[t] = softmax(W_yh·h[t] + b_y)
/// </code>
/// trained to minimise the cross-entropy of the true next character, in nats per character.
/// </summary>
/// <remarks>
/// Parameters: <c>embedding.weight</c> (V, E), <c>rnn.weight_ih_l{k}</c> … (PyTorch names), <c>decoder.weight</c> (V, H),
/// <c>decoder.bias</c> (V). The recurrent state is the caller's: training can carry it across windows (truncated BPTT)
/// and sampling streams one character at a time through <see cref="RecurrentLayer{T}.Step"/>.
/// </remarks>
/// <typeparam name="T">Element type.</typeparam>
public sealed class CharLanguageModel<T> : Module<T> where T : unmanaged, IFloatingPointIeee754<T>
{
    /// <summary>The kind that model files record.</summary>
    public const string Kind = "char-lm";

    private const string VocabularyKey = "vocabulary";

    /// <summary>Creates the model with freshly initialised weights.</summary>
    /// <param name="config">Sizes and cell.</param>
    /// <param name="rng">The initialisation's random source (dropout draws from the tape's).</param>
    /// <param name="vocabulary">The characters behind the ids, saved with the model so that it can read and write text; null for none.</param>
    public CharLanguageModel(CharModelConfig config, Rng rng, CharVocabulary? vocabulary = null)
    {
        ArgumentNullException.ThrowIfNull(config);
        config.Validate();
        if (vocabulary is not null && vocabulary.Count != config.VocabularySize)
        {
            throw new ArgumentException($"The vocabulary has {vocabulary.Count} characters; the configuration's VocabularySize is {config.VocabularySize}.", nameof(vocabulary));
        }
        Config = config;
        Vocabulary = vocabulary;
        Embedding = RegisterModule("embedding", new Embedding<T>(config.VocabularySize, config.EmbeddingSize, rng));
        Rnn = RegisterModule("rnn", new RecurrentLayer<T>(config.EmbeddingSize, config.Rnn, rng));
        Decoder = RegisterModule("decoder", new Linear<T>(config.Rnn.HiddenSize, config.VocabularySize, rng));
    }

    /// <summary>The model's shape.</summary>
    public CharModelConfig Config { get; }

    /// <summary>The characters behind the ids, or null.</summary>
    public CharVocabulary? Vocabulary { get; }

    /// <summary>The character embedding.</summary>
    public Embedding<T> Embedding { get; }

    /// <summary>The recurrent stack.</summary>
    public RecurrentLayer<T> Rnn { get; }

    /// <summary>The output layer, W_yh and b_y.</summary>
    public Linear<T> Decoder { get; }

    /// <summary>
    /// Scores for the next character after every input character: <c>(B, T, V)</c> logits, and the recurrent
    /// layers' final states.
    /// </summary>
    /// <param name="tape">The tape.</param>
    /// <param name="inputs">B sequences of T character ids, row-major <c>(B, T)</c>.</param>
    /// <param name="batch">B.</param>
    /// <param name="initialState">The state to start from (<c>(L, B, H)</c> per entry), or null for zeros.</param>
    /// <returns>The logits and final states.</returns>
    public (Variable<T> Logits, Variable<T>[] FinalState) Forward(Tape<T> tape, ReadOnlySpan<int> inputs, int batch, IReadOnlyList<Variable<T>>? initialState = null)
    {
        if (batch < 1 || inputs.Length % batch != 0 || inputs.IsEmpty)
        {
            throw new ArgumentException($"inputs has {inputs.Length} ids, which is not B = {batch} sequences of equal length.", nameof(inputs));
        }
        int steps = inputs.Length / batch;
        var embedded = tape.Reshape3(Embedding.Forward(tape, inputs), batch, steps);
        var result = Rnn.Forward(tape, embedded, initialState);
        var features = tape.Dropout(result.Output, IsTraining ? Config.Rnn.Dropout : 0);
        return (Decoder.Forward(tape, features), result.FinalState);
    }

    /// <summary>Mean cross-entropy (nats per character) of predicting <paramref name="targets"/> after <paramref name="inputs"/>.</summary>
    /// <param name="tape">The tape.</param>
    /// <param name="inputs">B × T input ids.</param>
    /// <param name="targets">B × T next-character ids (a negative id is ignored).</param>
    /// <param name="batch">B.</param>
    /// <param name="initialState">The state to start from, or null for zeros.</param>
    /// <returns>The scalar loss and the final states.</returns>
    public (Variable<T> Loss, Variable<T>[] FinalState) Loss(Tape<T> tape, ReadOnlySpan<int> inputs, ReadOnlySpan<int> targets, int batch, IReadOnlyList<Variable<T>>? initialState = null)
    {
        if (targets.Length != inputs.Length) throw new ArgumentException($"targets has {targets.Length} ids; inputs has {inputs.Length}.", nameof(targets));
        var (logits, final) = Forward(tape, inputs, batch, initialState);
        return (tape.SoftmaxCrossEntropy(logits, targets), final);
    }

    /// <summary>
    /// The mean cross-entropy of a batch of windows (the loss a <see cref="Trainer{TBatch}"/> minimises), starting from
    /// the batch's carried state and handing the final state back to it for the next window.
    /// </summary>
    /// <param name="tape">The tape.</param>
    /// <param name="batch">The windows.</param>
    /// <returns>The scalar loss in nats per character.</returns>
    public Variable<T> Loss(Tape<T> tape, TextBatch batch)
    {
        ArgumentNullException.ThrowIfNull(batch);
        var (loss, final) = Loss(tape, batch.Inputs, batch.Targets, batch.Rows, batch.InitialState as IReadOnlyList<Variable<T>>);
        if (final is IReadOnlyList<Variable<float>> state) batch.KeepFinalState(state);
        return loss;
    }

    /// <inheritdoc/>
    public override ModelDescription Describe() => new(Kind, JsonSerializer.Serialize(Config, ModelJson.Default.CharModelConfig),
        Vocabulary is null ? null : new Dictionary<string, string> { [VocabularyKey] = Vocabulary.ToText() });

    internal static CharLanguageModel<T> FromDescription(ModelDescription description, string file)
    {
        var config = Model.ReadConfig(description, ModelJson.Default.CharModelConfig, file);
        CharVocabulary? vocabulary = null;
        if (description.Metadata?.TryGetValue(VocabularyKey, out string? text) == true)
        {
            try
            {
                vocabulary = CharVocabulary.Parse(text);
            }
            catch (FormatException e)
            {
                throw SafetensorsHeader.Invalid(file, $"the vocabulary is not valid ({e.Message})", e);
            }
        }
        return new CharLanguageModel<T>(config, new Rng(0), vocabulary);
    }
}
