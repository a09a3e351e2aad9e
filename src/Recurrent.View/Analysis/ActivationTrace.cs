using Recurrent.Models;

namespace Recurrent.View.Analysis;

/// <summary>
/// What a char-LM computes over a text, step by step, through the streaming step the sampler uses
/// (<see cref="CharSampler"/>: embedding lookup, <see cref="Layers.RecurrentLayer{T}.Step(ReadOnlySpan{T}, Layers.RecurrentState{T}, Span{T}, Span{T})"/>,
/// decoder): after reading character t, every layer's state entries (h, and c for the LSTM), its gate activations, and
/// the softmax over the next character.
/// </summary>
internal sealed class ActivationTrace
{
    private readonly float[][] _states;  // per state entry: (T, L, H)
    private readonly float[] _gates;     // (T, L, G·H)

    private ActivationTrace(string text, int layers, int hidden, IReadOnlyList<string> stateNames, IReadOnlyList<string> gateNames, int vocabulary)
    {
        Text = text;
        Layers = layers;
        Hidden = hidden;
        StateNames = stateNames;
        GateNames = gateNames;
        _states = stateNames.Select(_ => new float[text.Length * layers * hidden]).ToArray();
        _gates = new float[text.Length * layers * gateNames.Count * hidden];
        Probabilities = new double[text.Length * vocabulary];
    }

    public string Text { get; }

    public int Steps => Text.Length;

    public int Layers { get; }

    public int Hidden { get; }

    public IReadOnlyList<string> StateNames { get; }

    public IReadOnlyList<string> GateNames { get; }

    /// <summary>softmax(logits) after each character, <c>(T, V)</c>, in double.</summary>
    public double[] Probabilities { get; }

    /// <summary>Runs <paramref name="model"/> over <paramref name="text"/> from a zero state (every character in its vocabulary).</summary>
    public static ActivationTrace Run(CharLanguageModel<float> model, string text)
    {
        var vocabulary = model.Vocabulary!;
        var rnn = model.Rnn;
        int layers = rnn.Spec.Layers, h = rnn.HiddenSize, v = vocabulary.Count;
        var trace = new ActivationTrace(text, layers, h, rnn.State.Select(s => s.Name).ToList(), rnn.GateNames, v);
        var state = rnn.CreateState(1);
        var embedded = new float[model.Config.EmbeddingSize];
        var hidden = new float[rnn.OutputSize];
        var logits = new float[v];
        int gateValues = layers * trace.GateNames.Count * h;
        int[] ids = vocabulary.Encode(text);
        for (int t = 0; t < ids.Length; t++)
        {
            model.Embedding.Lookup(ids[t], embedded);
            rnn.Step(embedded, state, hidden, trace._gates.AsSpan(t * gateValues, gateValues));
            model.Decoder.Apply(hidden, logits);
            for (int s = 0; s < trace._states.Length; s++) state.Tensors[s].Span.CopyTo(trace._states[s].AsSpan(t * layers * h, layers * h));
            Softmax(logits, trace.Probabilities.AsSpan(t * v, v));
        }
        return trace;
    }

    /// <summary>The kinds a request can ask for: the state entries, then the gates.</summary>
    public IEnumerable<string> Kinds => StateNames.Concat(GateNames);

    /// <summary>The activations of one kind in one layer, <c>(T, H)</c>: a state entry (<c>h</c>, <c>c</c>) or a gate (<c>i</c>, <c>f</c>, …).</summary>
    public float[] Values(string kind, int layer)
    {
        if (layer < 0 || layer >= Layers) throw new ViewException(400, $"layer {layer} is out of range; this model has layers 0 to {Layers - 1}.");
        int h = Hidden, state = IndexOf(StateNames, kind), gate = IndexOf(GateNames, kind);
        if (state < 0 && gate < 0) throw new ViewException(400, $"kind '{kind}' is not one of this model's: {string.Join(", ", Kinds)}.");
        var values = new float[Steps * h];
        for (int t = 0; t < Steps; t++)
        {
            ReadOnlySpan<float> source = state >= 0
                ? _states[state].AsSpan((t * Layers + layer) * h, h)
                : _gates.AsSpan(((t * Layers + layer) * GateNames.Count + gate) * h, h);
            source.CopyTo(values.AsSpan(t * h, h));
        }
        return values;
    }

    private static int IndexOf(IReadOnlyList<string> names, string name)
    {
        for (int i = 0; i < names.Count; i++)
        {
            if (names[i] == name) return i;
        }
        return -1;
    }

    private static void Softmax(ReadOnlySpan<float> logits, Span<double> p)
    {
        double max = double.NegativeInfinity, sum = 0;
        foreach (float z in logits) max = Math.Max(max, z);
        for (int j = 0; j < logits.Length; j++) sum += p[j] = Math.Exp(logits[j] - max);
        for (int j = 0; j < p.Length; j++) p[j] /= sum;
    }
}
