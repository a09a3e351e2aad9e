using Recurrent.Autodiff;
using Recurrent.Cells;
using Recurrent.Layers;
using Recurrent.Models;
using Recurrent.Onnx.Export;
using Recurrent.Onnx.Import;
using Recurrent.Onnx.Proto;
using Recurrent.Tensors;
using Xunit.Abstractions;

namespace Recurrent.Tests.Onnx.Import;

/// <summary>
/// The Sequential graphs Recurrent's own exporter writes (lengths masks, mask-weighted last step, sum ÷ lengths mean,
/// bidirectional halves, frame encoder, a probabilities output), imported and held to ONNX Runtime running the same
/// graph on a padded batch; and the same graphs altered so that the imported model would compute something else,
/// which the importer must refuse.
/// </summary>
public class ExportedGraphTests(ITestOutputHelper log)
{
    private const int Batch = 3, Steps = 5;
    private static readonly int[] Lengths = [Steps, 2, 4];

    private static readonly RecurrentSpec Lstm = new() { Cell = CellKind.Lstm, HiddenSize = 5 };
    private static readonly RecurrentSpec Gru = new() { Cell = CellKind.Gru, HiddenSize = 4, Bidirectional = true };

    public static TheoryData<string> Names() => [.. Cases.Select(c => c.Name)];

    private static readonly (string Name, SequentialConfig Config)[] Cases =
    [
        ("embedding, bidirectional GRU, last step", new SequentialConfig(9, 3, [Gru], SequencePooling.LastStep, EmbeddingSize: 4)),
        ("features, LSTM then bidirectional GRU, mean", new SequentialConfig(3, 2, [Lstm, Gru], SequencePooling.Mean)),
        ("frames, bidirectional GRU, all steps", new SequentialConfig(3, 4, [Gru], SequencePooling.AllSteps, FrameEncoderSize: 6)),
        ("frames, LSTM, last step", new SequentialConfig(2, 3, [Lstm with { Layers = 2 }], SequencePooling.LastStep, FrameEncoderSize: 3)),
    ];

    [Theory]
    [MemberData(nameof(Names))]
    public void ImportedWithLengthsMatchesOnnxRuntime(string name)
    {
        var config = Cases.Single(c => c.Name == name).Config;
        var bytes = OnnxExporter.Export(new Sequential<float>(config, new Rng(31)))["model"].ToBytes();
        var imported = Assert.IsType<Sequential<float>>(OnnxImporter.Import(bytes, "exported.onnx"));
        Assert.Equal(config.Pooling, imported.Config.Pooling);

        var rng = new Rng(32);
        bool ids = config.EmbeddingSize > 0;
        int features = ids ? 1 : config.InputSize;
        var x = new float[Batch * Steps * features];
        for (int i = 0; i < x.Length; i++) x[i] = ids ? rng.Next(config.InputSize) : (float)(2 * rng.NextDouble() - 1);
        var inputs = new Dictionary<string, OrtTensor>
        {
            [ids ? "ids" : "x"] = ids ? new(x.Select(v => (long)v).ToArray(), [Batch, Steps]) : new(x, [Batch, Steps, features]),
            ["lengths"] = new(Lengths, [Batch]),
        };
        var expected = OrtRunner.Run(bytes, inputs)["logits"];

        imported.Eval();
        var ours = imported.Forward(new Tape<float>(), new Variable<float>(new Tensor<float>(x, Batch, Steps, features)), Lengths).Value;
        ImportAssert.Close("logits", expected.Floats, expected.Shape, ours, log);
    }

    /// <summary>
    /// A char LM's graph without its metadata is still one by its structure (state in and out); two windows, the second
    /// from the first's final state, held to ONNX Runtime.
    /// </summary>
    [Fact]
    public void CharLanguageModelWithoutMetadataMatchesOnnxRuntimeAcrossWindows()
    {
        const int vocabulary = 6, layers = 2;
        var exported = OnnxExporter.Export(new CharLanguageModel<float>(new CharModelConfig(vocabulary, 3, Lstm with { Layers = layers }), new Rng(34)))["model"].Model;
        exported.MetadataProps.Clear();
        var bytes = Google.Protobuf.MessageExtensions.ToByteArray(exported);
        var imported = Assert.IsType<CharLanguageModel<float>>(OnnxImporter.Import(bytes, "charlm.onnx"));
        Assert.Null(imported.Vocabulary);
        imported.Eval();

        var rng = new Rng(35);
        int hidden = Lstm.HiddenSize;
        float[] h = new float[layers * Batch * hidden], c = new float[layers * Batch * hidden];
        Variable<float>[]? state = null;
        for (int window = 0; window < 2; window++)
        {
            var ids = Enumerable.Range(0, Batch * Steps).Select(_ => rng.Next(vocabulary)).ToArray();
            var expected = OrtRunner.Run(bytes, new Dictionary<string, OrtTensor>
            {
                ["ids"] = new(ids.Select(i => (long)i).ToArray(), [Batch, Steps]),
                ["h0"] = new(h, [layers, Batch, hidden]),
                ["c0"] = new(c, [layers, Batch, hidden]),
            });
            var (logits, final) = imported.Forward(new Tape<float>(), ids, Batch, state);
            ImportAssert.Close($"window {window} logits", expected["logits"].Floats, expected["logits"].Shape, logits.Value, log);
            ImportAssert.Close($"window {window} hn", expected["hn"].Floats, expected["hn"].Shape, final[0].Value, log);
            ImportAssert.Close($"window {window} cn", expected["cn"].Floats, expected["cn"].Shape, final[1].Value, log);
            (h, c, state) = (expected["hn"].Floats, expected["cn"].Floats, final);
        }
    }

    [Fact]
    public void CharModelMetadataOnASequentialGraphIsRefused()
    {
        var exported = OnnxExporter.Export(new Sequential<float>(new SequentialConfig(5, 2, [Lstm], SequencePooling.LastStep, EmbeddingSize: 3), new Rng(36)))["model"].Model;
        exported.MetadataProps.Single(p => p.Key == "recurrent.kind").Value = CharLanguageModel<float>.Kind;
        var e = Assert.Throws<NotSupportedException>(() => OnnxImporter.Import(Google.Protobuf.MessageExtensions.ToByteArray(exported), "claims.onnx"));
        ImportAssert.OneLine(e, "claims.onnx", "character language model");
    }

    [Fact]
    public void MeanOverAllStepsOfPaddedSequencesIsRefused()
    {
        // Exported without lengths (the mean divides by T), then the recurrent node given sequence_lens: padded steps
        // would count in the mean, which a Sequential given lengths does not do.
        var graph = Export(new SequentialConfig(3, 2, [Lstm], SequencePooling.Mean), variableLengths: false);
        graph.Input.Add(Recurrent.Onnx.Export.OnnxGraphBuilder.ValueInfo("lengths", TensorProto.Types.DataType.Int32, ["batch"]));
        var node = graph.Node.Single(n => n.OpType == "LSTM");
        while (node.Input.Count < 5) node.Input.Add("");
        node.Input[4] = "lengths";
        Refused(graph, "mean over all T steps");
    }

    [Fact]
    public void PoolingByLengthsTheRecurrentNodesDoNotReadIsRefused()
    {
        var graph = Export(new SequentialConfig(3, 2, [Lstm], SequencePooling.LastStep), variableLengths: true);
        graph.Node.Single(n => n.OpType == "LSTM").Input[4] = "";
        Refused(graph, "the recurrent nodes run every sequence over all T steps");
    }

    [Fact]
    public void BidirectionalHalvesInTheWrongPlacesAreRefused()
    {
        foreach (bool variableLengths in new[] { true, false })
        {
            var graph = Export(new SequentialConfig(3, 2, [Gru], SequencePooling.LastStep), variableLengths);
            var concat = graph.Node.Single(n => n.OpType == "Concat" && n.Input.Count == 2 && graph.Node.Any(m => m.OpType == "MatMul" && m.Input[0] == n.Output[0]));
            (concat.Input[0], concat.Input[1]) = (concat.Input[1], concat.Input[0]);
            Refused(graph, "the forward half at the last step and the reverse half at step 0");
        }
    }

    [Fact]
    public void ValidStepsMaskInsteadOfTheLastStepIsRefused()
    {
        // Σ_t y[t]·[t < len] is a sum over the valid steps, not the last step.
        var graph = Export(new SequentialConfig(3, 2, [Lstm], SequencePooling.LastStep), variableLengths: true);
        var equal = graph.Node.Single(n => n.OpType == "Equal");
        var sub = graph.Node.Single(n => n.OpType == "Sub" && n.Output[0] == equal.Input[1]);
        equal.OpType = "Less";
        equal.Input[1] = sub.Input[0];
        Refused(graph, "Valid mask");
    }

    [Fact]
    public void SoftmaxOverTheStepsIsRefused()
    {
        var graph = Export(new SequentialConfig(3, 2, [Lstm], SequencePooling.AllSteps), variableLengths: true);
        var softmax = graph.Node.Single(n => n.OpType == "Softmax");
        softmax.Attribute.Single(a => a.Name == "axis").I = 1;
        Refused(graph, "softmax over axis 1");
    }

    private static GraphProto Export(SequentialConfig config, bool variableLengths) =>
        OnnxExporter.Export(new Sequential<float>(config, new Rng(33)), new OnnxExportOptions { VariableLengths = variableLengths })["model"].Model.Graph;

    private static void Refused(GraphProto graph, string part)
    {
        var model = new ModelProto { IrVersion = 8, Graph = graph };
        model.OpsetImport.Add(new OperatorSetIdProto { Domain = "", Version = 17 });
        var e = Assert.Throws<NotSupportedException>(() => OnnxImporter.Import(Google.Protobuf.MessageExtensions.ToByteArray(model), "altered.onnx"));
        ImportAssert.OneLine(e, "altered.onnx", part);
    }
}
