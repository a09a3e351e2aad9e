using Recurrent.Data.Text;
using Recurrent.Layers;
using Recurrent.Tensors;

namespace Recurrent.Models;

/// <summary>
/// Generates text from a <see cref="CharLanguageModel{T}"/> one character at a time, through the layer's streaming
/// <see cref="RecurrentLayer{T}.Step(ReadOnlySpan{T}, RecurrentState{T}, Span{T})"/> with the state held here: prime the state with a text, then repeatedly sample
/// the next character from <c>softmax(logits / temperature)</c>, optionally restricted to the k likeliest, and feed it back.
/// </summary>
public sealed class CharSampler
{
    private readonly CharLanguageModel<float> _model;
    private readonly CharVocabulary _vocabulary;
    private readonly RecurrentState<float> _state;
    private readonly float[] _embedded, _hidden, _logits;
    private readonly double[] _probabilities;
    private readonly int[] _order;

    /// <summary>Binds a sampler to a model and its vocabulary.</summary>
    /// <param name="model">The model.</param>
    /// <param name="vocabulary">Its vocabulary.</param>
    public CharSampler(CharLanguageModel<float> model, CharVocabulary vocabulary)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(vocabulary);
        if (vocabulary.Count != model.Config.VocabularySize)
        {
            throw new ArgumentException($"The vocabulary has {vocabulary.Count} symbols; the model expects {model.Config.VocabularySize}.", nameof(vocabulary));
        }
        _model = model;
        _vocabulary = vocabulary;
        _state = model.Rnn.CreateState(1);
        _embedded = new float[model.Config.EmbeddingSize];
        _hidden = new float[model.Config.Rnn.HiddenSize];
        _logits = new float[vocabulary.Count];
        _probabilities = new double[vocabulary.Count];
        _order = new int[vocabulary.Count];
    }

    /// <summary>
    /// Yields <paramref name="length"/> characters continuing <paramref name="prime"/>, each as soon as it is sampled.
    /// </summary>
    /// <param name="prime">The text to start from (every character must be in the vocabulary); empty starts from a newline or the first symbol.</param>
    /// <param name="length">Characters to generate.</param>
    /// <param name="temperature">Divides the logits: below 1 sharper, above 1 more random; 0 picks the likeliest character.</param>
    /// <param name="topK">Sample among the k likeliest characters only (0: all).</param>
    /// <param name="rng">The random source.</param>
    /// <returns>The generated characters.</returns>
    public IEnumerable<char> Generate(string prime, int length, double temperature, int topK, Rng rng)
    {
        ArgumentNullException.ThrowIfNull(prime);
        ArgumentOutOfRangeException.ThrowIfNegative(length);
        if (temperature < 0 || double.IsNaN(temperature)) throw new ArgumentOutOfRangeException(nameof(temperature), $"temperature must be non-negative; got {temperature}.");
        if (topK < 0) throw new ArgumentOutOfRangeException(nameof(topK), $"top-k must be non-negative; got {topK}.");
        int[] ids = prime.Length > 0 ? _vocabulary.Encode(prime)
            : [_vocabulary.TryGetId('\n', out int newline) ? newline : 0];
        return Run(ids, length, temperature, topK, rng);
    }

    private IEnumerable<char> Run(int[] primeIds, int length, double temperature, int topK, Rng rng)
    {
        _state.Reset();
        foreach (int id in primeIds) Feed(id);
        for (int n = 0; n < length; n++)
        {
            int next = Sample(temperature, topK, rng);
            yield return _vocabulary[next];
            Feed(next);
        }
    }

    private void Feed(int id)
    {
        _model.Embedding.Lookup(id, _embedded);
        _model.Rnn.Step(_embedded, _state, _hidden);
        _model.Decoder.Apply(_hidden, _logits);
    }

    private int Sample(double temperature, int topK, Rng rng)
    {
        int v = _logits.Length;
        if (temperature == 0) return TensorPrimitives.IndexOfMax<float>(_logits);
        for (int i = 0; i < v; i++) _order[i] = i;
        int k = topK == 0 ? v : Math.Min(topK, v);
        if (k < v) Array.Sort(_order, (a, b) => _logits[b].CompareTo(_logits[a]));
        double max = _logits[_order[0]];
        for (int i = 1; i < k; i++) max = Math.Max(max, _logits[_order[i]]);
        double sum = 0;
        for (int i = 0; i < k; i++) sum += _probabilities[i] = Math.Exp((_logits[_order[i]] - max) / temperature);
        double u = rng.NextDouble() * sum;
        for (int i = 0; i < k; i++)
        {
            u -= _probabilities[i];
            if (u <= 0) return _order[i];
        }
        return _order[k - 1];
    }
}
