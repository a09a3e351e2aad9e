using Recurrent.Cells;
using Recurrent.Data;
using Recurrent.Layers;
using Recurrent.Models;
using Recurrent.Onnx.Export;
using Recurrent.Tensors;

namespace Recurrent.Tests.Onnx.Export;

/// <summary>
/// Greedy decoding run through the two exported graphs in ONNX Runtime (encoder once, decoder once per token, the loop
/// written here as a runtime would write it), against the model's own step decoder and <c>Generate</c>: every step's
/// log-probabilities (log-softmax of ORT's logits) and the generated tokens.
/// </summary>
internal static class DecoderExportCases
{
    private const int B = LayerExportCases.Batch, T = LayerExportCases.Steps, I = 3, Vx = 6, Vy = 9;
    private static readonly int[] Lengths = LayerExportCases.Lengths;

    public static readonly (string Name, Seq2SeqConfig Config)[] Seq2Seqs =
    [
        ("seq2seq LSTM, token source, no attention", new Seq2SeqConfig(Vx, 0, Vy, new RecurrentSpec { Cell = CellKind.Lstm, HiddenSize = 5, Layers = 2 }, false, 4, MaxTargetTokens: 6)),
        ("seq2seq LSTM, token source, attention", new Seq2SeqConfig(Vx, 0, Vy, new RecurrentSpec { Cell = CellKind.Lstm, HiddenSize = 5 }, true, 4, MaxTargetTokens: 6)),
        ("seq2seq GRU, frame source, attention", new Seq2SeqConfig(0, I, Vy, new RecurrentSpec { Cell = CellKind.Gru, HiddenSize = 5, Layers = 2 }, true, 4, FrameEncoderSize: 4, MaxTargetTokens: 6)),
        ("seq2seq ElmanJordan, feature source, attention", new Seq2SeqConfig(0, I, Vy, new RecurrentSpec { Cell = CellKind.ElmanJordan, HiddenSize = 5, CellOutputSize = 4 }, true, 4, MaxTargetTokens: 6)),
    ];

    public static readonly (string Name, SequenceGeneratorConfig Config)[] Generators =
    [
        ("generator LSTM, initial-state conditioning", new SequenceGeneratorConfig(I, Vy, new RecurrentSpec { Cell = CellKind.Lstm, HiddenSize = 5, Layers = 2 }, Conditioning.InitialState, 4, 6, MaxTokens: 6)),
        ("generator CudnnGru, every-step conditioning", new SequenceGeneratorConfig(I, Vy, new RecurrentSpec { Cell = CellKind.CudnnGru, HiddenSize = 5 }, Conditioning.EveryStep, 4, 6, MaxTokens: 6)),
        ("generator Jordan, initial-state conditioning", new SequenceGeneratorConfig(I, Vy, new RecurrentSpec { Cell = CellKind.Jordan, HiddenSize = 5, CellOutputSize = 4 }, Conditioning.InitialState, 4, 6, MaxTokens: 6)),
    ];

    /// <summary>Max difference of the per-step log-probabilities, and the tokens generated; asserts they equal <c>Generate</c>'s.</summary>
    public static (double Max, int Tokens) Seq2Seq(Seq2SeqConfig config, OnnxExportOptions? options = null)
    {
        var rng = new Rng(21);
        var model = new Seq2Seq<float>(config, rng);
        model.Eval();
        SourceBatch<float> source;
        (string, Array, int[]) sourceInput;
        if (config.SourceVocabulary > 0)
        {
            var ids = Enumerable.Range(0, B * T).Select(_ => 3 + rng.Next(Vx - 3)).ToArray();
            source = SourceBatch<float>.FromIds(ids, B, Lengths);
            sourceInput = ("source", ids.Select(i => (long)i).ToArray(), [B, T]);
        }
        else
        {
            var x = Tensor.Uniform<float>(rng, -1, 1, B, T, I);
            source = SourceBatch<float>.FromFeatures(x, Lengths);
            sourceInput = ("source", x.Span.ToArray(), [B, T, I]);
        }
        var export = OnnxExporter.Export(model, options);
        using var encoder = new OrtSession(export["encoder"]);
        using var decoder = new OrtSession(export["decoder"]);
        var encoded = encoder.Run(sourceInput, ("source_lengths", Lengths, [B]));
        var constant = new List<(string, Array, int[])>();
        if (config.Attention)
        {
            constant.Add(("memory", encoded["memory"].Values, encoded["memory"].Shape));
            constant.Add(("keys", encoded["keys"].Values, encoded["keys"].Shape));
            constant.Add(("source_lengths", Lengths, [B]));
        }
        return Greedy(model.Decoder, model.CreateStepDecoder(source), decoder, encoded, constant, config.MaxTargetTokens, model.Generate(source));
    }

    public static (double Max, int Tokens) Generator(SequenceGeneratorConfig config, OnnxExportOptions? options = null)
    {
        var rng = new Rng(22);
        var model = new SequenceGenerator<float>(config, rng);
        model.Eval();
        var features = Tensor.Uniform<float>(rng, -1, 1, B, I);
        var export = OnnxExporter.Export(model, options);
        using var encoder = new OrtSession(export["encoder"]);
        using var decoder = new OrtSession(export["decoder"]);
        var encoded = encoder.Run(("features", features.Span.ToArray(), [B, I]));
        var constant = new List<(string, Array, int[])>();
        if (config.Conditioning == Conditioning.EveryStep) constant.Add(("conditioning", encoded["conditioning"].Values, encoded["conditioning"].Shape));
        return Greedy(model.Rnn, model.CreateStepDecoder(features), decoder, encoded, constant, config.MaxTokens, model.Generate(features));
    }

    /// <summary>
    /// <paramref name="options"/>' decoding (beam search, say) run by the library's search over the ORT graphs, and by
    /// <c>Generate</c>: the two token lists.
    /// </summary>
    public static (int[][] Expected, int[][] Actual) Seq2SeqSearch(Seq2SeqConfig config, DecodeOptions options)
    {
        var rng = new Rng(23);
        var model = new Seq2Seq<float>(config, rng);
        model.Eval();
        DelayEnd(model.Head);
        var ids = Enumerable.Range(0, B * T).Select(_ => 3 + rng.Next(Vx - 3)).ToArray();
        var source = SourceBatch<float>.FromIds(ids, B, Lengths);
        var export = OnnxExporter.Export(model);
        using var encoder = new OrtSession(export["encoder"]);
        using var decoder = new OrtSession(export["decoder"]);
        var encoded = encoder.Run(("source", ids.Select(i => (long)i).ToArray(), [B, T]), ("source_lengths", Lengths, [B]));
        var perSource = new List<(string, Array, int[])>();
        if (config.Attention)
        {
            perSource.Add(("memory", encoded["memory"].Values, encoded["memory"].Shape));
            perSource.Add(("keys", encoded["keys"].Values, encoded["keys"].Shape));
            perSource.Add(("source_lengths", Lengths, [B]));
        }
        var states = model.Decoder.State.Select(s => (s.Name + "n", encoded[s.Name + "n"])).ToArray();
        var ort = new OrtStepDecoder(decoder, B, config.TargetVocabulary, states, perSource);
        return (model.Generate(source, options), SequenceDecoding.Decode(ort, B, options, config.MaxTargetTokens));
    }

    /// <summary>As <see cref="Seq2SeqSearch"/>, for a SequenceGenerator.</summary>
    public static (int[][] Expected, int[][] Actual) GeneratorSearch(SequenceGeneratorConfig config, DecodeOptions options)
    {
        var rng = new Rng(24);
        var model = new SequenceGenerator<float>(config, rng);
        model.Eval();
        DelayEnd(model.Head);
        var features = Tensor.Uniform<float>(rng, -1, 1, B, I);
        var export = OnnxExporter.Export(model);
        using var encoder = new OrtSession(export["encoder"]);
        using var decoder = new OrtSession(export["decoder"]);
        var encoded = encoder.Run(("features", features.Span.ToArray(), [B, I]));
        var perSource = new List<(string, Array, int[])>();
        if (config.Conditioning == Conditioning.EveryStep) perSource.Add(("conditioning", encoded["conditioning"].Values, encoded["conditioning"].Shape));
        var states = model.Rnn.State.Select(s => (s.Name + "n", encoded[s.Name + "n"])).ToArray();
        var ort = new OrtStepDecoder(decoder, B, config.Vocabulary, states, perSource);
        return (model.Generate(features, options), SequenceDecoding.Decode(ort, B, options, config.MaxTokens));
    }

    /// <summary>
    /// Lowers &lt;end&gt;'s bias so that an untrained model's beams grow before they end (otherwise the one-token
    /// hypothesis "&lt;end&gt;" wins at once and the search compares empty outputs).
    /// </summary>
    private static void DelayEnd(Linear<float> head) => head.Bias!.Value.Span[TokenVocabulary.EndId] -= 2f;

    private static (double Max, int Tokens) Greedy(RecurrentLayer<float> rnn, IStepDecoder reference, OrtSession decoder,
        Dictionary<string, (float[] Values, int[] Shape)> encoded, List<(string, Array, int[])> constant, int maxTokens, int[][] generated)
    {
        int v = reference.Vocabulary;
        reference.Start(1);
        var state = rnn.State.Select(s => encoded[s.Name + "n"]).ToArray();
        var tokens = Enumerable.Repeat(TokenVocabulary.StartId, B).ToArray();
        var expected = new double[B * v];
        var outputs = Enumerable.Range(0, B).Select(_ => new List<int>()).ToArray();
        var done = new bool[B];
        double max = 0;
        while (done.Contains(false))
        {
            reference.Step(tokens, expected);
            var inputs = new List<(string, Array, int[])> { ("token", tokens.Select(t => (long)t).ToArray(), [B]) };
            for (int c = 0; c < state.Length; c++) inputs.Add((rnn.State[c].Name + "0", state[c].Values, state[c].Shape));
            var result = decoder.Run([.. inputs, .. constant]);
            var logits = result["logits"].Values;
            for (int b = 0; b < B; b++)
            {
                var logp = LogSoftmax(logits.AsSpan(b * v, v));
                for (int i = 0; i < v; i++) max = Math.Max(max, Math.Abs(logp[i] - expected[b * v + i]));
                if (done[b]) continue;
                int next = Array.IndexOf(logp, logp.Max());
                if (next == TokenVocabulary.EndId || outputs[b].Count == maxTokens) done[b] = true;
                else
                {
                    outputs[b].Add(next);
                    tokens[b] = next;
                }
            }
            state = rnn.State.Select(s => result[s.Name + "n"]).ToArray();
        }
        for (int b = 0; b < B; b++) Assert.Equal(generated[b], outputs[b].ToArray());
        return (max, outputs.Sum(o => o.Count));
    }

    private static double[] LogSoftmax(ReadOnlySpan<float> z)
    {
        double m = double.NegativeInfinity, sum = 0;
        foreach (float value in z) m = Math.Max(m, value);
        foreach (float value in z) sum += Math.Exp(value - m);
        var result = new double[z.Length];
        for (int i = 0; i < z.Length; i++) result[i] = z[i] - m - Math.Log(sum);
        return result;
    }
}
