using Recurrent.Onnx;
using Recurrent.Onnx.Import;
using Recurrent.Onnx.Proto;
using Recurrent.Tests.PyTorch;
using Recurrent.Tests.Serialization;
using static Recurrent.Tests.Onnx.Import.OnnxGraphBuilder;

namespace Recurrent.Tests.Onnx.Import;

/// <summary>
/// What the importer refuses, each with one line naming the file and the problem: files that are not ONNX models
/// (<see cref="InvalidDataException"/>), and valid models it does not map (<see cref="NotSupportedException"/>).
/// </summary>
public class ImportErrorTests
{
    private static readonly RecurrentGraph Lstm = new("LSTM", 0, "", false, 1, StateSource.Omitted, false);

    [Fact]
    public void TruncatedFileIsInvalidData()
    {
        var bytes = File.ReadAllBytes(TorchFixture.Load("lstm_2l_bidir").OnnxPath);
        using var folder = new TemporaryFolder();
        foreach (int length in new[] { bytes.Length / 2, bytes.Length - 7, 3 })
        {
            string path = folder.File("truncated.onnx");
            File.WriteAllBytes(path, bytes[..length]);
            var e = Assert.Throws<InvalidDataException>(() => OnnxImporter.Import(path));
            ImportAssert.OneLine(e, "truncated.onnx");
        }
    }

    [Fact]
    public void EmptyAndForeignFilesAreInvalidData()
    {
        using var folder = new TemporaryFolder();
        File.WriteAllBytes(folder.File("empty.onnx"), []);
        ImportAssert.OneLine(Assert.Throws<InvalidDataException>(() => OnnxImporter.Import(folder.File("empty.onnx"))), "empty.onnx", "no graph");
        File.WriteAllText(folder.File("text.onnx"), "{\"not\": \"an onnx model\"}\n");
        ImportAssert.OneLine(Assert.Throws<InvalidDataException>(() => OnnxImporter.Import(folder.File("text.onnx"))), "text.onnx");
    }

    [Fact]
    public void UnknownOperatorOnTheDataPathIsNamed()
    {
        var g = new OnnxGraphBuilder();
        string x = g.Input("x", TensorProto.Types.DataType.Float, -1, -1, 2);
        var lstm = g.Nodes("LSTM", [x, g.Initializer("W", new float[8 * 2], 1, 8, 2), g.Initializer("R", new float[8 * 2], 1, 8, 2)], 3, [Attribute("hidden_size", 2L)]);
        string y = g.Node("Squeeze", [lstm[0], g.Ints([1])]);
        g.Output(g.Node("Relu", [y], name: "Foo_12"));
        var e = Assert.Throws<NotSupportedException>(() => OnnxImporter.Import(g.ToBytes(), "model.onnx"));
        Assert.Equal("model.onnx: node 'Foo_12' (Relu) is not supported by the importer (expected the LSTM/GRU/RNN, Gather, MatMul/Gemm/Add, Transpose/Reshape… that recurrent models export to).", e.Message);
    }

    public static TheoryData<string, string> Attributes() => new()
    {
        { "clip", "'clip'" },
        { "input_forget", "'input_forget'" },
        { "reverse", "reverse" },
        { "activations", "'activations'" },
        { "hidden_size", "'hidden_size' = 7" },
        { "peepholes", "peepholes" },
        { "layout", "'layout'" },
    };

    [Theory]
    [MemberData(nameof(Attributes))]
    public void UnsupportedAttributeIsNamedWithItsNode(string change, string named)
    {
        var (model, _, _, _) = Lstm.Build(seed: 1, (g, node) =>
        {
            switch (change)
            {
                case "clip": node.Attribute.Add(Attribute("clip", 3f)); break;
                case "input_forget": node.Attribute.Add(Attribute("input_forget", 1L)); break;
                case "reverse": node.Attribute.Add(Attribute("direction", "reverse")); break;
                case "activations": node.Attribute.Add(Attribute("activations", new[] { "Sigmoid", "Relu", "Tanh" })); break;
                case "hidden_size": node.Attribute[0].I = 7; break;
                case "layout": node.Attribute.Add(Attribute("layout", 1L)); break;
                case "peepholes":
                    node.Input.Add("");
                    node.Input.Add("");
                    node.Input.Add("");
                    node.Input.Add(g.Initializer("P", new float[3 * RecurrentGraph.Hidden], 1, 3 * RecurrentGraph.Hidden));
                    break;
            }
        });
        var e = Assert.Throws<NotSupportedException>(() => OnnxImporter.Import(model, "model.onnx"));
        ImportAssert.OneLine(e, "model.onnx", "node 'lstm_0' (LSTM)", named);
    }

    [Fact]
    public void OldOpsetAndForeignDomainAreRefused()
    {
        var g = BuildLstm();
        g.Opset = 6;
        ImportAssert.OneLine(Assert.Throws<NotSupportedException>(() => OnnxImporter.Import(g.ToBytes(), "old.onnx")), "old.onnx", "opset 6");

        g = BuildLstm();
        g.Graph.Node[^1].Domain = "com.microsoft";
        ImportAssert.OneLine(Assert.Throws<NotSupportedException>(() => OnnxImporter.Import(g.ToBytes(), "custom.onnx")), "custom.onnx", "domain 'com.microsoft'");
    }

    [Fact]
    public void MissingTensorIsInvalidData()
    {
        var g = BuildLstm();
        g.Graph.Initializer.RemoveAt(1);
        ImportAssert.OneLine(Assert.Throws<InvalidDataException>(() => OnnxImporter.Import(g.ToBytes(), "missing.onnx")), "missing.onnx", "'R'");

        g = BuildLstm();
        g.Graph.Initializer[0].FloatData.RemoveAt(0);
        ImportAssert.OneLine(Assert.Throws<InvalidDataException>(() => OnnxImporter.Import(g.ToBytes(), "short.onnx")), "short.onnx", "initializer 'W'");
    }

    [Fact]
    public void WeightsComputedAtRunTimeAreRefused()
    {
        var g = new OnnxGraphBuilder();
        string x = g.Input("x", TensorProto.Types.DataType.Float, -1, -1, 2);
        string w = g.Node("Add", [g.Initializer("W", new float[8 * 2], 1, 8, 2), g.Initializer("W2", new float[8 * 2], 1, 8, 2)], name: "sum");
        var lstm = g.Nodes("LSTM", [x, w, g.Initializer("R", new float[8 * 2], 1, 8, 2)], 3, [Attribute("hidden_size", 2L)], name: "lstm");
        g.Output(lstm[1]);
        ImportAssert.OneLine(Assert.Throws<NotSupportedException>(() => OnnxImporter.Import(g.ToBytes(), "model.onnx")), "model.onnx", "node 'lstm' (LSTM)", "'sum' (Add)");
    }

    [Fact]
    public void GraphWithoutRecurrentNodeIsRefused()
    {
        var g = new OnnxGraphBuilder();
        string x = g.Input("x", TensorProto.Types.DataType.Float, -1, 2);
        g.Output(g.Node("MatMul", [x, g.Initializer("W", new float[4], 2, 2)]));
        ImportAssert.OneLine(Assert.Throws<NotSupportedException>(() => OnnxImporter.Import(g.ToBytes(), "dense.onnx")), "dense.onnx");
    }

    /// <summary>One LSTM node over x, weights W and R as initializers 0 and 1, output h_n.</summary>
    private static OnnxGraphBuilder BuildLstm()
    {
        var g = new OnnxGraphBuilder();
        string x = g.Input("x", TensorProto.Types.DataType.Float, -1, -1, 2);
        var lstm = g.Nodes("LSTM", [x, g.Initializer("W", new float[8 * 2], 1, 8, 2), g.Initializer("R", new float[8 * 2], 1, 8, 2)], 3, [Attribute("hidden_size", 2L)]);
        g.Output(lstm[1]);
        return g;
    }
}
