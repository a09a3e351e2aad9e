using Recurrent.Cells;
using Recurrent.Layers;
using Recurrent.Models;
using Recurrent.Onnx.Export;
using Recurrent.Onnx.Import;
using Recurrent.Onnx.Proto;
using Recurrent.Tensors;
using Recurrent.Tests.Onnx.Export;

namespace Recurrent.Tests.Onnx.RoundTrip;

/// <summary>
/// Recurrent → ONNX → Recurrent → ONNX: a model exported, imported back and exported again has the very same weights
/// at every stage (bit for bit, not within a tolerance), the same shape (cell, sizes, stacking, directions, layout,
/// pooling), and the second ONNX file holds the same initializers as the first. What the ONNX recurrent operators
/// express round-trips: Elman (tanh, relu, σ), LSTM and both GRUs, stacked, bidirectional, batch- or time-first, alone
/// or in a Sequential with an embedding, a frame encoder or features, several stages and any pooling, exported with the
/// lengths input or without, and in a char language model (with or without its vocabulary). Cells exported through <c>Scan</c> (Jordan,
/// Elman–Jordan) or with an output layer are one-way: the importer reads recurrent operators, not arbitrary loops.
/// </summary>
public class RoundTripTests
{
    public static TheoryData<string, string> Layers()
    {
        var data = new TheoryData<string, string>();
        foreach (var (cell, _) in LayerExportCases.Cells.Where(c => c.Name is "Elman tanh" or "Elman relu" or "Elman sigmoid" or "Lstm" or "Gru" or "CudnnGru"))
        {
            foreach (var (shape, _) in LayerExportCases.Shapes) data.Add(cell, shape);
        }
        return data;
    }

    [Theory]
    [MemberData(nameof(Layers))]
    public void ALayerComesBackWithTheSameWeights(string cell, string shape)
    {
        var spec = LayerExportCases.Spec(cell, shape);
        var original = new RecurrentLayer<float>(3, spec, new Rng(21));
        var first = OnnxExporter.Export(original)["model"];
        var imported = Assert.IsType<RecurrentLayer<float>>(OnnxImporter.Import(first.ToBytes()));

        Assert.Equal(spec with { Dropout = 0 }, imported.Spec with { Dropout = 0 });
        Assert.Equal(original.InputSize, imported.InputSize);
        AssertSameWeights(original, imported);
        AssertSameInitializers(first, OnnxExporter.Export(imported)["model"]);
    }

    private static readonly RecurrentSpec Lstm = new() { Cell = CellKind.Lstm, HiddenSize = 5 };
    private static readonly RecurrentSpec Gru = new() { Cell = CellKind.Gru, HiddenSize = 6 };
    private static readonly RecurrentSpec CudnnGru = new() { Cell = CellKind.CudnnGru, HiddenSize = 4 };
    private static readonly RecurrentSpec Relu = new() { Cell = CellKind.Elman, HiddenSize = 3, Nonlinearity = Recurrent.Autodiff.Activation.Relu };

    /// <summary>Every Sequential, exported with the lengths input (the default) and without it.</summary>
    public static TheoryData<string, bool> SequentialNames()
    {
        var data = new TheoryData<string, bool>();
        foreach (var (name, _) in Sequentials)
        {
            data.Add(name, true);
            data.Add(name, false);
        }
        return data;
    }

    private static readonly (string Name, SequentialConfig Config)[] Sequentials =
    [
        ("embedding, LSTM, all steps", new SequentialConfig(11, 4, [Lstm], SequencePooling.AllSteps, EmbeddingSize: 5)),
        ("embedding, bidirectional GRU, last step", new SequentialConfig(11, 3, [Gru with { Bidirectional = true }], SequencePooling.LastStep, EmbeddingSize: 4)),
        ("embedding, 2-layer PyTorch GRU, mean", new SequentialConfig(9, 2, [CudnnGru with { Layers = 2 }], SequencePooling.Mean, EmbeddingSize: 3)),
        ("features, LSTM then Elman relu, last step", new SequentialConfig(3, 4, [Lstm, Relu], SequencePooling.LastStep)),
        ("features, bidirectional LSTM, all steps", new SequentialConfig(3, 5, [Lstm with { Bidirectional = true }], SequencePooling.AllSteps)),
        ("features, bidirectional PyTorch GRU then LSTM, mean", new SequentialConfig(3, 2, [CudnnGru with { Bidirectional = true }, Lstm], SequencePooling.Mean)),
        ("features, 2-layer bidirectional Elman relu, last step", new SequentialConfig(4, 3, [Relu with { Layers = 2, Bidirectional = true }], SequencePooling.LastStep)),
        ("frames, LSTM, last step", new SequentialConfig(3, 4, [Lstm], SequencePooling.LastStep, FrameEncoderSize: 6)),
        ("frames, bidirectional GRU, mean", new SequentialConfig(5, 3, [Gru with { Bidirectional = true }], SequencePooling.Mean, FrameEncoderSize: 4)),
        ("frames, Elman relu then bidirectional LSTM, all steps", new SequentialConfig(2, 3, [Relu, Lstm with { Bidirectional = true }], SequencePooling.AllSteps, FrameEncoderSize: 5)),
        ("embedding, LSTM then bidirectional PyTorch GRU, last step", new SequentialConfig(7, 2, [Lstm, CudnnGru with { Bidirectional = true }], SequencePooling.LastStep, EmbeddingSize: 3)),
    ];

    [Theory]
    [MemberData(nameof(SequentialNames))]
    public void ASequentialComesBackWithTheSameWeights(string name, bool variableLengths)
    {
        var config = Sequentials.Single(s => s.Name == name).Config;
        var original = new Sequential<float>(config, new Rng(22));
        var options = new OnnxExportOptions { VariableLengths = variableLengths };
        var first = OnnxExporter.Export(original, options)["model"];
        var imported = Assert.IsType<Sequential<float>>(OnnxImporter.Import(first.ToBytes()));

        Assert.Equal(config.Pooling, imported.Config.Pooling);
        Assert.Equal(config.EmbeddingSize, imported.Config.EmbeddingSize);
        Assert.Equal(config.FrameEncoderSize, imported.Config.FrameEncoderSize);
        Assert.Equal(config.InputSize, imported.Config.InputSize);
        Assert.Equal(config.Recurrent, imported.Config.Recurrent);
        AssertSameWeights(original, imported);
        AssertSameInitializers(first, OnnxExporter.Export(imported, options)["model"]);
    }

    [Theory]
    [InlineData(14)]
    [InlineData(21)]
    [InlineData(23)]
    public void EverySequentialComesBackAtOtherOpsets(int opset)
    {
        foreach (var (name, config) in Sequentials)
        {
            var original = new Sequential<float>(config, new Rng(24));
            var options = new OnnxExportOptions { Opset = opset };
            var first = OnnxExporter.Export(original, options)["model"];
            var imported = Assert.IsType<Sequential<float>>(OnnxImporter.Import(first.ToBytes(), $"{name}.onnx"));
            Assert.Equal(config.Pooling, imported.Config.Pooling);
            AssertSameWeights(original, imported);
            AssertSameInitializers(first, OnnxExporter.Export(imported, options)["model"]);
        }
    }

    public static TheoryData<string> CharModelNames() => [.. CharModels.Select(c => c.Name)];

    private static readonly (string Name, RecurrentSpec Spec, string? Text)[] CharModels =
    [
        ("2-layer LSTM, vocabulary", Lstm with { Layers = 2 }, "hello, world"),
        ("Elman relu, no vocabulary", Relu, null),
        ("2-layer PyTorch GRU, vocabulary", CudnnGru with { Layers = 2 }, "abcdefg\n \"é"),
        ("lecture GRU, no vocabulary", Gru, null),
    ];

    [Theory]
    [MemberData(nameof(CharModelNames))]
    public void ACharLanguageModelComesBackWithTheSameWeights(string name)
    {
        var (_, spec, text) = CharModels.Single(c => c.Name == name);
        var vocabulary = text is null ? null : Recurrent.Data.Text.CharVocabulary.FromText(text);
        var config = new CharModelConfig(vocabulary?.Count ?? 7, 3, spec);
        var original = new CharLanguageModel<float>(config, new Rng(23), vocabulary);
        var first = OnnxExporter.Export(original)["model"];
        var imported = Assert.IsType<CharLanguageModel<float>>(OnnxImporter.Import(first.ToBytes()));

        Assert.Equal(config, imported.Config);
        Assert.Equal(vocabulary, imported.Vocabulary);
        AssertSameWeights(original, imported);
        AssertSameInitializers(first, OnnxExporter.Export(imported)["model"]);
    }

    private static void AssertSameWeights(Module<float> expected, Module<float> actual)
    {
        var want = expected.StateDict();
        var got = actual.StateDict();
        Assert.Equal(want.Keys.Order(), got.Keys.Order());
        foreach (var (name, tensor) in want)
        {
            Assert.True(tensor.HasShape(got[name].Shape), $"{name}: shape {Tensor<float>.ShapeText(got[name].Shape)}; expected {Tensor<float>.ShapeText(tensor.Shape)}");
            Assert.True(tensor.Span.SequenceEqual(got[name].Span), $"{name}: the imported weights differ from the exported ones.");
        }
    }

    private static void AssertSameInitializers(OnnxGraph first, OnnxGraph second)
    {
        static Dictionary<string, TensorProto> Of(OnnxGraph g) => g.Model.Graph.Initializer.ToDictionary(i => i.Name);
        var a = Of(first);
        var b = Of(second);
        Assert.Equal(a.Keys.Order(), b.Keys.Order());
        foreach (var (name, tensor) in a) Assert.True(tensor.Equals(b[name]), $"initializer '{name}' differs between the first and the second export.");
    }
}
