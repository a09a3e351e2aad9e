using System.Numerics;
using System.Text.Json;
using Recurrent.Data.Text;
using Recurrent.Training;
using Recurrent.Autodiff;
using Recurrent.Cells;
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
/// and sampling streams one character at a time through <see cref="RecurrentLayer{T}.Step(ReadOnlySpan{T}, RecurrentState{T}, Span{T})"/>.
/// </remarks>
/// <typeparam name="T">Element type.</typeparam>
public sealed class CharLanguageModel<T> : Module<T> where T : unmanaged, IFloatingPointIeee754<T>
{
    /// <summary>The kind that model files record.</summary>
    public const string Kind = "char-lm";

    private const string VocabularyKey = "vocabulary";

    private readonly Tape<T> _inference = new();

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

    /// <summary>
    /// How well the model predicts a text read as one stream, as char-rnn evaluates it: the mean cross-entropy of
    /// <c>ids[t+1]</c> after <c>ids[0..t]</c> for t = 0 … N−2, the state starting at zero before <c>ids[0]</c> and carried
    /// through the whole text, so that every prediction sees everything before it.
    /// </summary>
    /// <remarks>
    /// The text is read in windows of <paramref name="window"/> characters, each one <see cref="Forward"/> from the
    /// previous window's final state on a tape reset for it: the window bounds the work and memory of one pass, not the
    /// context, so the score does not depend on it (up to rounding). Inference: evaluation mode (no dropout), nothing
    /// kept for backward, and the model's training or evaluation mode restored afterwards; −ln p is summed in double.
    /// A model of up to about a million multiply-adds per layer and step (an LSTM of H = 512) is scored on the calling
    /// thread alone, whatever <see cref="Threads"/> allows: its steps are too small to share between cores (the result
    /// is the same either way); score several texts at once to use more cores.
    /// Compare <see cref="ScoreWindows"/>, where every window starts from a zero state.
    /// </remarks>
    /// <param name="ids">The text's ids, at least 2, each in <c>[0, V)</c>.</param>
    /// <param name="window">Characters per forward pass.</param>
    /// <returns>The mean over the N − 1 predictions.</returns>
    public LanguageModelScore ScoreCarried(ReadOnlySpan<int> ids, int window = 256)
    {
        CheckScored(ids);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(window);
        using var inference = new EvalScope<T>(this);
        // One stream is one matrix-vector product per layer and step. Up to about a million multiply-adds a step
        // (an LSTM of H = 512), handing half of it to another core at every step saves little on an idle machine and
        // costs much on a busy one, where each step waits for a core (2×256 LSTM, 111k characters, 2 cores under
        // load: 4 s on one thread, 20 to 36 s on two).
        int gates = Config.Rnn.Cell switch { CellKind.Lstm => 4, CellKind.Gru or CellKind.CudnnGru => 3, _ => 1 };
        using var threads = Threads.Limit((long)gates * Config.Rnn.HiddenSize * Config.Rnn.HiddenSize <= 1 << 20 ? 1 : Threads.Current);
        var carried = Rnn.CreateState(1);                      // (L, 1, H) per state entry (h, and c for LSTM)
        var initial = new Variable<T>[carried.Tensors.Count];
        for (int c = 0; c < initial.Length; c++) initial[c] = new Variable<T>(carried.Tensors[c]);
        int predictions = ids.Length - 1, v = Config.VocabularySize;
        double total = 0;
        for (int start = 0; start < predictions; start += window)
        {
            int steps = Math.Min(window, predictions - start);
            _inference.Reset();
            var (logits, final) = Forward(_inference, ids.Slice(start, steps), 1, start == 0 ? null : initial);
            ReadOnlySpan<T> z = logits.Value.Span;              // (1, steps, V)
            for (int t = 0; t < steps; t++) total += NegativeLogLikelihood(z.Slice(t * v, v), ids[start + t + 1]);
            // The tape reuses its buffers after Reset: the final state is copied out before the next window.
            for (int c = 0; c < initial.Length; c++) final[c].Value.Span.CopyTo(carried.Tensors[c].Span);
        }
        return new LanguageModelScore(total / predictions, predictions);
    }

    /// <summary>
    /// The mean cross-entropy of a text cut into consecutive windows of <paramref name="window"/> characters, each
    /// predicted from a zero state: the figure a <see cref="Trainer{TBatch}"/>'s validation reports (the same number as
    /// <see cref="Evaluation.MeanLoss{TBatch}"/> over <c>new ValidationWindowBatcher(ids, 1, batch, window)</c>). It is usually higher
    /// than <see cref="ScoreCarried"/>'s for a model that uses context, since each window's first characters are
    /// predicted with little of it.
    /// </summary>
    /// <param name="ids">The text's ids, at least 2, each in <c>[0, V)</c>; <c>ids[1..]</c> are predicted.</param>
    /// <param name="window">T, characters per window.</param>
    /// <param name="batch">B, windows scored together (it changes the work, not the score).</param>
    /// <returns>The mean over the N − 1 predictions.</returns>
    public LanguageModelScore ScoreWindows(ReadOnlySpan<int> ids, int window = 64, int batch = 64)
    {
        CheckScored(ids);
        var windows = new ValidationWindowBatcher(ids.ToArray(), 1, batch, window);
        using var inference = new EvalScope<T>(this);
        double total = 0;
        long count = 0;
        while (windows.TryNext(out var b))
        {
            _inference.Reset();
            var (loss, _) = Loss(_inference, b.Inputs, b.Targets, b.Rows);
            total += double.CreateChecked(loss.Value[0]) * b.Count;
            count += b.Count;
        }
        return new LanguageModelScore(total / count, count);
    }

    private void CheckScored(ReadOnlySpan<int> ids)
    {
        if (ids.Length < 2) throw new ArgumentException($"ids has {ids.Length} ids; scoring needs at least 2 (one input and the target after it).", nameof(ids));
        int v = Config.VocabularySize;
        for (int i = 0; i < ids.Length; i++)
        {
            if ((uint)ids[i] >= (uint)v) throw new ArgumentOutOfRangeException(nameof(ids), $"ids[{i}] is {ids[i]}; expected an id in [0, {v}), V = {v}.");
        }
    }

    /// <summary>−ln softmax(z)[target] = ln Σⱼ e^(zⱼ − max z) − (z[target] − max z), in double.</summary>
    private static double NegativeLogLikelihood(ReadOnlySpan<T> z, int target)
    {
        double max = double.CreateChecked(z[0]);
        for (int j = 1; j < z.Length; j++) max = Math.Max(max, double.CreateChecked(z[j]));
        double sum = 0;
        for (int j = 0; j < z.Length; j++) sum += Math.Exp(double.CreateChecked(z[j]) - max);
        return Math.Log(sum) - (double.CreateChecked(z[target]) - max);
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
