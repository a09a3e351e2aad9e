using Recurrent.Autodiff;
using Recurrent.Cells;
using Recurrent.Models;
using Recurrent.Onnx;
using Recurrent.Onnx.Import;
using Recurrent.Onnx.Proto;
using Recurrent.Tensors;
using Xunit.Abstractions;
using static Recurrent.Tests.Onnx.Import.OnnxGraphBuilder;

namespace Recurrent.Tests.Onnx.Import;

/// <summary>
/// Whole models built by hand the ways exporters write them (torch's, and the shape Recurrent's own exporter writes:
/// Gather embedding, RNN nodes with Transpose/Reshape of Y, MatMul + Add head, Softmax output), imported as a
/// <see cref="Sequential{T}"/> and held to ONNX Runtime within 1e-5.
/// </summary>
public class HandBuiltModelTests(ITestOutputHelper log)
{
    private const int Batch = 3, Steps = 6, Vocabulary = 9, Embedding = 5, Hidden = 4, Classes = 3;

    private readonly Random _random = new(11);

    private float[] Random(int n) => Enumerable.Range(0, n).Select(_ => (float)(_random.NextDouble() * 1.2 - 0.6)).ToArray();

    /// <summary>ids → embedding → bidirectional lecture GRU (lbr 0) → every step → MatMul + Add → Softmax.</summary>
    [Fact]
    public void EmbeddingGruTaggerWithSoftmaxMatchesOnnxRuntime()
    {
        var g = new OnnxGraphBuilder();
        string ids = g.Input("ids", TensorProto.Types.DataType.Int64, -1, -1);
        string embedded = g.Node("Gather", [g.Initializer("embedding.weight", Random(Vocabulary * Embedding), Vocabulary, Embedding), ids]);
        string x = g.Node("Transpose", [embedded], [Attribute("perm", new long[] { 1, 0, 2 })]);
        var gru = g.Nodes("GRU", [x, Weights(g, "gru", 2, 3, Embedding)[0], Weights(g, "gru_r", 2, 3, Hidden, recurrent: true)[0], g.Initializer("gru_b", Random(2 * 6 * Hidden), 2, 6 * Hidden)], 2,
            [Attribute("hidden_size", (long)Hidden), Attribute("direction", "bidirectional"), Attribute("linear_before_reset", 0L)]);
        string y = g.Node("Reshape", [g.Node("Transpose", [gru[0]], [Attribute("perm", new long[] { 0, 2, 1, 3 })]), g.Ints([0, 0, -1])]);
        string batchFirst = g.Node("Transpose", [y], [Attribute("perm", new long[] { 1, 0, 2 })]);
        string scores = g.Node("Add", [g.Node("MatMul", [batchFirst, g.Initializer("head_t", Random(2 * Hidden * Classes), 2 * Hidden, Classes)]), g.Initializer("head.bias", Random(Classes), Classes)]);
        string probabilities = g.Node("Softmax", [scores], [Attribute("axis", -1L)]);
        g.Output(probabilities);
        var model = g.ToBytes();

        var imported = Assert.IsType<Sequential<float>>(OnnxImporter.Import(model, "tagger.onnx"));
        Assert.Equal((SequencePooling.AllSteps, Embedding, CellKind.Gru), (imported.Config.Pooling, imported.Config.EmbeddingSize, imported.Config.Recurrent[0].Cell));
        var tokens = Enumerable.Range(0, Batch * Steps).Select(_ => (long)_random.Next(Vocabulary)).ToArray();
        var expected = OrtRunner.Run(model, new Dictionary<string, OrtTensor> { ["ids"] = new(tokens, [Batch, Steps]) })[probabilities];

        imported.Eval();
        var logits = imported.Forward(new Tape<float>(), new Variable<float>(new Tensor<float>(tokens.Select(t => (float)t).ToArray(), Batch, Steps, 1))).Value;
        ImportAssert.Close("softmax of logits", expected.Floats, expected.Shape, Softmax(logits), log);
    }

    /// <summary>
    /// Features (B, T, I) → bidirectional LSTM with sequence_lens → the final states h_n (D, B, H) as (B, D·H) →
    /// Gemm(transB) head: a last-step classifier of sequences of different lengths.
    /// </summary>
    [Fact]
    public void FinalStateClassifierWithLengthsMatchesOnnxRuntime()
    {
        const int inputs = 4;
        var g = new OnnxGraphBuilder();
        string input = g.Input("x", TensorProto.Types.DataType.Float, -1, -1, inputs);
        string lengths = g.Input("lengths", TensorProto.Types.DataType.Int32, -1);
        string x = g.Node("Transpose", [input], [Attribute("perm", new long[] { 1, 0, 2 })]);
        var lstm = g.Nodes("LSTM", [x, Weights(g, "w", 2, 4, inputs)[0], Weights(g, "r", 2, 4, Hidden, recurrent: true)[0], g.Initializer("b", Random(2 * 8 * Hidden), 2, 8 * Hidden), lengths], 3,
            [Attribute("hidden_size", (long)Hidden), Attribute("direction", "bidirectional")]);
        string pooled = g.Node("Reshape", [g.Node("Transpose", [lstm[1]], [Attribute("perm", new long[] { 1, 0, 2 })]), g.Ints([0, -1])]);
        string logits = g.Node("Gemm", [pooled, g.Initializer("fc.weight", Random(Classes * 2 * Hidden), Classes, 2 * Hidden), g.Initializer("fc.bias", Random(Classes), Classes)], [Attribute("transB", 1L)]);
        g.Output(logits);
        var model = g.ToBytes();

        var imported = Assert.IsType<Sequential<float>>(OnnxImporter.Import(model, "classifier.onnx"));
        Assert.Equal((SequencePooling.LastStep, 0, true), (imported.Config.Pooling, imported.Config.EmbeddingSize, imported.Config.Recurrent[0].Bidirectional));
        var features = Random(Batch * Steps * inputs);
        int[] lens = [Steps, 2, 4];
        var expected = OrtRunner.Run(model, new Dictionary<string, OrtTensor> { ["x"] = new(features, [Batch, Steps, inputs]), ["lengths"] = new(lens, [Batch]) })[logits];

        imported.Eval();
        var ours = imported.Forward(new Tape<float>(), new Variable<float>(new Tensor<float>(features, Batch, Steps, inputs)), lens).Value;
        ImportAssert.Close("logits", expected.Floats, expected.Shape, ours, log);
    }

    /// <summary>Two different recurrent nodes in a row (LSTM H = 4, then RNN relu H = 3) become two stages.</summary>
    [Fact]
    public void DifferentRecurrentNodesBecomeStages()
    {
        const int inputs = 2, second = 3;
        var g = new OnnxGraphBuilder();
        string input = g.Input("x", TensorProto.Types.DataType.Float, -1, -1, inputs);
        string x = g.Node("Transpose", [input], [Attribute("perm", new long[] { 1, 0, 2 })]);
        var lstm = g.Nodes("LSTM", [x, Weights(g, "w0", 1, 4, inputs)[0], Weights(g, "r0", 1, 4, Hidden, recurrent: true)[0]], 3, [Attribute("hidden_size", (long)Hidden)]);
        string y0 = g.Node("Squeeze", [lstm[0], g.Ints([1])]);
        var rnn = g.Nodes("RNN", [y0, g.Initializer("w1", Random(second * Hidden), 1, second, Hidden), g.Initializer("r1", Random(second * second), 1, second, second), g.Initializer("b1", Random(2 * second).Select(b => b + 0.5f).ToArray(), 1, 2 * second)], 2,
            [Attribute("hidden_size", (long)second), Attribute("activations", new[] { "Relu" })]);
        string last = g.Node("Gather", [g.Node("Transpose", [g.Node("Squeeze", [rnn[0], g.Ints([1])])], [Attribute("perm", new long[] { 1, 0, 2 })]), g.Ints([-1], scalar: true)], [Attribute("axis", 1L)]);
        string logits = g.Node("Add", [g.Initializer("bias", Random(Classes), Classes), g.Node("MatMul", [last, g.Initializer("w_t", Random(second * Classes), second, Classes)])]);
        g.Output(logits);
        var model = g.ToBytes();

        var imported = Assert.IsType<Sequential<float>>(OnnxImporter.Import(model, "stages.onnx"));
        Assert.Equal([CellKind.Lstm, CellKind.Elman], imported.Config.Recurrent.Select(s => s.Cell));
        Assert.Equal(SequencePooling.LastStep, imported.Config.Pooling);
        var features = Random(Batch * Steps * inputs);
        var expected = OrtRunner.Run(model, new Dictionary<string, OrtTensor> { ["x"] = new(features, [Batch, Steps, inputs]) })[logits];
        imported.Eval();
        var ours = imported.Forward(new Tape<float>(), new Variable<float>(new Tensor<float>(features, Batch, Steps, inputs))).Value;
        Assert.NotEqual(ours.Span[..Classes].ToArray(), ours.Span.Slice(Classes, Classes).ToArray()); // the relu layer is not dead
        ImportAssert.Close("logits", expected.Floats, expected.Shape, ours, log);
    }

    /// <summary>Features → bidirectional PyTorch GRU → (B, T, D·H) → ReduceMean over time → MatMul + Add: a mean-pooled classifier.</summary>
    [Fact]
    public void MeanPooledClassifierMatchesOnnxRuntime()
    {
        const int inputs = 3;
        var g = new OnnxGraphBuilder();
        string input = g.Input("x", TensorProto.Types.DataType.Float, -1, -1, inputs);
        string x = g.Node("Transpose", [input], [Attribute("perm", new long[] { 1, 0, 2 })]);
        var gru = g.Nodes("GRU", [x, Weights(g, "w", 2, 3, inputs)[0], Weights(g, "r", 2, 3, Hidden, recurrent: true)[0], g.Initializer("b", Random(2 * 6 * Hidden), 2, 6 * Hidden)], 2,
            [Attribute("hidden_size", (long)Hidden), Attribute("direction", "bidirectional"), Attribute("linear_before_reset", 1L)]);
        string y = g.Node("Reshape", [g.Node("Transpose", [gru[0]], [Attribute("perm", new long[] { 0, 2, 1, 3 })]), g.Ints([0, 0, -1])]);
        string mean = g.Node("ReduceMean", [g.Node("Transpose", [y], [Attribute("perm", new long[] { 1, 0, 2 })])], [Attribute("axes", new long[] { 1 }), Attribute("keepdims", 0L)]);
        string logits = g.Node("Add", [g.Node("MatMul", [mean, g.Initializer("w_t", Random(2 * Hidden * Classes), 2 * Hidden, Classes)]), g.Initializer("bias", Random(Classes), Classes)]);
        g.Output(logits);
        var model = g.ToBytes();

        var imported = Assert.IsType<Sequential<float>>(OnnxImporter.Import(model, "mean.onnx"));
        Assert.Equal((SequencePooling.Mean, CellKind.CudnnGru), (imported.Config.Pooling, imported.Config.Recurrent[0].Cell));
        var features = Random(Batch * Steps * inputs);
        var expected = OrtRunner.Run(model, new Dictionary<string, OrtTensor> { ["x"] = new(features, [Batch, Steps, inputs]) })[logits];
        imported.Eval();
        var ours = imported.Forward(new Tape<float>(), new Variable<float>(new Tensor<float>(features, Batch, Steps, inputs))).Value;
        ImportAssert.Close("logits", expected.Floats, expected.Shape, ours, log);
    }

    private string[] Weights(OnnxGraphBuilder g, string name, int directions, int gates, int columns, bool recurrent = false) =>
        [g.Initializer(name, Random(directions * gates * Hidden * (recurrent ? Hidden : columns)), directions, gates * Hidden, recurrent ? Hidden : columns)];

    private static Tensor<float> Softmax(Tensor<float> logits)
    {
        var values = logits.Span.ToArray();
        int n = logits.Shape[^1];
        for (int row = 0; row < values.Length / n; row++)
        {
            var span = values.AsSpan(row * n, n);
            float max = span.ToArray().Max();
            double sum = 0;
            for (int i = 0; i < n; i++) sum += span[i] = MathF.Exp(span[i] - max);
            for (int i = 0; i < n; i++) span[i] = (float)(span[i] / sum);
        }
        return new Tensor<float>(values, logits.Shape.ToArray());
    }
}
