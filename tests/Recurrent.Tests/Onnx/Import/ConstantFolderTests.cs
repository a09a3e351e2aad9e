using Recurrent.Onnx;
using Recurrent.Onnx.Import;
using Recurrent.Onnx.Proto;
using static Recurrent.Tests.Onnx.Import.OnnxGraphBuilder;

namespace Recurrent.Tests.Onnx.Import;

/// <summary>
/// The constant folder against ONNX Runtime: a graph of the shape operators exporters put between initializers and the
/// recurrent nodes (Slice with negative starts and steps, Transpose, Concat, Gather, Reshape with 0 and −1, Unsqueeze,
/// Squeeze, Cast, Shape, ConstantOfShape, Identity) over constants; every folded output must equal ONNX Runtime's exactly.
/// </summary>
public class ConstantFolderTests
{
    [Fact]
    public void FoldedConstantsEqualOnnxRuntime()
    {
        var random = new Random(3);
        var g = new OnnxGraphBuilder();
        string a = g.Initializer("A", Enumerable.Range(0, 24).Select(_ => (float)(random.NextDouble() * 10 - 5)).ToArray(), 2, 3, 4);
        var outputs = new[]
        {
            g.Node("Slice", [a, g.Ints([-1, 0]), g.Ints([-4, 10]), g.Ints([2, 1]), g.Ints([-1, 2])]),
            g.Node("Slice", [a, g.Ints([1]), g.Ints([long.MaxValue]), g.Ints([-1])]),
            g.Node("Transpose", [a], [Attribute("perm", new long[] { 2, 0, 1 })]),
            g.Node("Transpose", [a]),
            g.Node("Concat", [a, g.Node("Slice", [a, g.Ints([1]), g.Ints([3]), g.Ints([2])])], [Attribute("axis", -1L)]),
            g.Node("Gather", [a, g.Ints([1, -1])], [Attribute("axis", 1L)]),
            g.Node("Gather", [a, g.Ints([0], scalar: true)]),
            g.Node("Squeeze", [g.Node("Unsqueeze", [g.Node("Reshape", [a, g.Ints([0, -1])]), g.Ints([0, 2])]), g.Ints([2])]),
            g.Node("Cast", [g.Node("Cast", [a], [Attribute("to", (long)TensorProto.Types.DataType.Int64)])], [Attribute("to", (long)TensorProto.Types.DataType.Float)]),
            g.Node("ConstantOfShape", [g.Node("Shape", [a])], [Attribute("value", new TensorProto { DataType = 1, Dims = { 1 }, FloatData = { 2.5f } })]),
            g.Node("Identity", [g.Constant([1f, 2f, 3f], 3)]),
        };
        foreach (var o in outputs) g.Output(o);
        var model = g.ToBytes();
        var expected = OrtRunner.Run(model, new Dictionary<string, OrtTensor>());

        var walker = new GraphWalker(new ImportContext("folder.onnx"), g.Opset);
        walker.Walk(ModelProto.Parser.ParseFrom(model).Graph);
        foreach (var name in outputs)
        {
            var folded = Assert.IsType<ConstantValue>(walker.Output(name)).Tensor;
            Assert.Equal(expected[name].Shape.Select(d => (int)d), folded.Shape);
            Assert.Equal(expected[name].Floats, folded.ToFloats());
        }
    }
}
