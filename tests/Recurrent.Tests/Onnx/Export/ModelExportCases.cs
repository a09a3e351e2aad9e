using Recurrent.Autodiff;
using Recurrent.Cells;
using Recurrent.Layers;
using Recurrent.Models;
using Recurrent.Onnx.Export;
using Recurrent.Tensors;

namespace Recurrent.Tests.Onnx.Export;

/// <summary>
/// Whole models exported and run in ONNX Runtime against the model's own forward pass in evaluation mode, on a random
/// padded batch (B 3, T 5, lengths 5, 2, 4). Each case returns max |Recurrent − ORT| over every output it checks.
/// </summary>
internal static class ModelExportCases
{
    private const int B = LayerExportCases.Batch, T = LayerExportCases.Steps, I = 3, V = 7;
    private static readonly int[] Lengths = LayerExportCases.Lengths;

    private static readonly RecurrentSpec Lstm = new() { Cell = CellKind.Lstm, HiddenSize = 5 };
    private static readonly RecurrentSpec Gru = new() { Cell = CellKind.Gru, HiddenSize = 5 };
    private static readonly RecurrentSpec CudnnGru = new() { Cell = CellKind.CudnnGru, HiddenSize = 5 };
    private static readonly RecurrentSpec Jordan = new() { Cell = CellKind.Jordan, HiddenSize = 5, CellOutputSize = 4 };
    private static readonly RecurrentSpec ElmanJordan = new() { Cell = CellKind.ElmanJordan, HiddenSize = 5, CellOutputSize = 4 };
    private static readonly RecurrentSpec ElmanOut = new() { Cell = CellKind.Elman, HiddenSize = 5, CellOutputSize = 3 };

    /// <summary>The Sequential matrix: three inputs × three poolings, each with two stages of different cells.</summary>
    public static readonly (string Name, SequentialConfig Config)[] Sequentials =
    [
        ("embedding, last step", new SequentialConfig(V, 4, [Lstm with { Bidirectional = true }, Gru], SequencePooling.LastStep, EmbeddingSize: 4)),
        ("embedding, mean", new SequentialConfig(V, 4, [Jordan, CudnnGru], SequencePooling.Mean, EmbeddingSize: 4)),
        ("embedding, all steps", new SequentialConfig(V, 4, [ElmanOut with { Bidirectional = true }, Lstm], SequencePooling.AllSteps, EmbeddingSize: 4)),
        ("frames, last step", new SequentialConfig(I, 4, [Gru, ElmanJordan with { Bidirectional = true }], SequencePooling.LastStep, FrameEncoderSize: 4)),
        ("frames, mean", new SequentialConfig(I, 4, [CudnnGru with { Bidirectional = true }, Jordan], SequencePooling.Mean, FrameEncoderSize: 4)),
        ("frames, all steps", new SequentialConfig(I, 4, [Lstm with { Layers = 2 }, ElmanOut], SequencePooling.AllSteps, FrameEncoderSize: 4)),
        ("features, last step", new SequentialConfig(I, 4, [ElmanJordan, Lstm with { Bidirectional = true }], SequencePooling.LastStep)),
        ("features, mean", new SequentialConfig(I, 4, [ElmanOut, Gru with { Bidirectional = true, Layers = 2 }], SequencePooling.Mean)),
        ("features, all steps", new SequentialConfig(I, 4, [Jordan with { Bidirectional = true }, CudnnGru], SequencePooling.AllSteps)),
    ];

    public static double Sequential(SequentialConfig config, OnnxExportOptions? options = null)
    {
        var rng = new Rng(11);
        var model = new Sequential<float>(config, rng);
        model.Eval();
        bool ids = config.EmbeddingSize > 0;
        var tokens = Enumerable.Range(0, B * T).Select(_ => (long)rng.Next(V)).ToArray();
        var x = ids ? new Tensor<float>(tokens.Select(t => (float)t).ToArray(), B, T, 1) : Tensor.Uniform<float>(rng, -1, 1, B, T, I);
        bool variable = options?.VariableLengths ?? true;
        var logits = model.Forward(new Tape<float>(), new Variable<float>(x), variable ? Lengths : []).Value;
        using var session = new OrtSession(OnnxExporter.Export(model, options)["model"]);
        var inputs = new List<(string, Array, int[])> { ids ? ("ids", tokens, [B, T]) : ("x", x.Span.ToArray(), [B, T, I]) };
        if (variable) inputs.Add(("lengths", Lengths, [B]));
        return Compare(logits, session.Run([.. inputs]));
    }

    public static double Classifier(SequenceClassifierConfig config)
    {
        var rng = new Rng(12);
        var model = new SequenceClassifier<float>(config, rng);
        model.Eval();
        var x = Tensor.Uniform<float>(rng, -1, 1, B, T, I);
        var logits = model.Forward(new Tape<float>(), new Variable<float>(x), Lengths).Value;
        using var session = new OrtSession(OnnxExporter.Export(model)["model"]);
        return Compare(logits, session.Run(("x", x.Span.ToArray(), [B, T, I]), ("lengths", Lengths, [B])));
    }

    public static double Tagger(SequenceTaggerConfig config)
    {
        var rng = new Rng(13);
        var model = new SequenceTagger<float>(config, rng);
        model.Eval();
        var x = Tensor.Uniform<float>(rng, -1, 1, B, T, I);
        var logits = model.Forward(new Tape<float>(), new Variable<float>(x), Lengths).Value;
        using var session = new OrtSession(OnnxExporter.Export(model)["model"]);
        return Compare(logits, session.Run(("x", x.Span.ToArray(), [B, T, I]), ("lengths", Lengths, [B])));
    }

    /// <summary>Two windows of text, the second starting from the first's final state, in both runtimes.</summary>
    public static double CharLanguageModel(RecurrentSpec spec, OnnxExportOptions? options = null)
    {
        var rng = new Rng(14);
        var model = new CharLanguageModel<float>(new CharModelConfig(V, 4, spec), rng);
        model.Eval();
        using var session = new OrtSession(OnnxExporter.Export(model, options)["model"]);
        var rnn = model.Rnn;
        int layers = spec.Layers;
        Variable<float>[]? state = null;
        var ortState = rnn.State.Select(s => new float[layers * B * s.Size]).ToArray();
        double max = 0;
        for (int window = 0; window < 2; window++)
        {
            var ids = Enumerable.Range(0, B * T).Select(_ => rng.Next(V)).ToArray();
            var (logits, final) = model.Forward(new Tape<float>(), ids, B, state);
            var inputs = new List<(string, Array, int[])> { ("ids", ids.Select(i => (long)i).ToArray(), [B, T]) };
            for (int c = 0; c < ortState.Length; c++) inputs.Add((rnn.State[c].Name + "0", ortState[c], [layers, B, rnn.State[c].Size]));
            var actual = session.Run([.. inputs]);
            max = Math.Max(max, Differences.Max(logits.Value.Span, actual["logits"].Values, "logits"));
            for (int c = 0; c < ortState.Length; c++)
            {
                string name = rnn.State[c].Name + "n";
                max = Math.Max(max, Differences.Max(final[c].Value.Span, actual[name].Values, name));
                ortState[c] = actual[name].Values;
            }
            state = final.Select(f => new Variable<float>(f.Value.Clone())).ToArray();
        }
        return max;
    }

    /// <summary>Logits and probabilities (the softmax of Recurrent's logits, in double) against ORT's.</summary>
    private static double Compare(Tensor<float> logits, Dictionary<string, (float[] Values, int[] Shape)> actual)
    {
        Assert.Equal(logits.Shape.ToArray(), actual["logits"].Shape);
        double max = Differences.Max(logits.Span, actual["logits"].Values, "logits");
        return Math.Max(max, Differences.Max(Softmax(logits), actual["probabilities"].Values, "probabilities"));
    }

    public static float[] Softmax(Tensor<float> logits)
    {
        int v = logits.Dim(-1);
        var z = logits.Span;
        var p = new float[z.Length];
        for (int r = 0; r < z.Length / v; r++)
        {
            double m = double.NegativeInfinity, sum = 0;
            for (int i = 0; i < v; i++) m = Math.Max(m, z[r * v + i]);
            for (int i = 0; i < v; i++) sum += Math.Exp(z[r * v + i] - m);
            for (int i = 0; i < v; i++) p[r * v + i] = (float)(Math.Exp(z[r * v + i] - m) / sum);
        }
        return p;
    }

    public static readonly (string Name, SequenceClassifierConfig Config)[] Classifiers =
    [
        ("classifier, last step, bidirectional LSTM, frames", new SequenceClassifierConfig(I, 4, Lstm with { Bidirectional = true, Layers = 2 }, TimePooling.LastStep, FrameEncoderSize: 4)),
        ("classifier, mean, Jordan", new SequenceClassifierConfig(I, 4, Jordan, TimePooling.Mean)),
        ("classifier, last step, bidirectional ElmanJordan", new SequenceClassifierConfig(I, 4, ElmanJordan with { Bidirectional = true })),
    ];

    public static readonly (string Name, SequenceTaggerConfig Config)[] Taggers =
    [
        ("tagger, bidirectional GRU, frames", new SequenceTaggerConfig(I, 4, Gru with { Bidirectional = true }, FrameEncoderSize: 4)),
        ("tagger, Jordan, cell output is the prediction", new SequenceTaggerConfig(I, 4, Jordan, CellOutputIsPrediction: true)),
        ("tagger, Elman + output layer, cell output is the prediction", new SequenceTaggerConfig(I, 3, ElmanOut with { Layers = 2 }, CellOutputIsPrediction: true)),
    ];

    public static readonly (string Name, RecurrentSpec Spec)[] CharModels =
    [
        ("char LM, 2-layer LSTM, carried state", Lstm with { Layers = 2 }),
        ("char LM, Elman relu, carried state", new RecurrentSpec { Cell = CellKind.Elman, HiddenSize = 5, Nonlinearity = Activation.Relu }),
        ("char LM, CudnnGru, carried state", CudnnGru),
    ];
}
