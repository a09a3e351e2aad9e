using Recurrent.Autodiff;
using Recurrent.Layers;
using Recurrent.Onnx;
using Recurrent.Onnx.Import;
using Recurrent.Tensors;
using Xunit.Abstractions;

namespace Recurrent.Tests.Onnx.Import;

/// <summary>
/// Hand-built graphs of single and stacked LSTM, GRU (linear_before_reset 0 and 1) and RNN (Tanh, Relu, Sigmoid)
/// nodes, forward and bidirectional, with random weights: ONNX Runtime runs each graph, the importer reads it, and the
/// imported layer's output and final states must match ONNX Runtime's within 1e-5, with and without sequence_lens,
/// from omitted, computed-zero and given initial states.
/// </summary>
public class HandBuiltGraphTests(ITestOutputHelper log)
{
    public static TheoryData<string, int, string, bool, int, StateSource, bool> Cases()
    {
        var data = new TheoryData<string, int, string, bool, int, StateSource, bool>();
        var cells = new (string Op, int Lbr, string Activation)[] { ("LSTM", 0, ""), ("GRU", 0, ""), ("GRU", 1, ""), ("RNN", 0, "Tanh"), ("RNN", 0, "Relu"), ("RNN", 0, "Sigmoid") };
        foreach (var (op, lbr, activation) in cells)
        {
            foreach (bool bidirectional in new[] { false, true })
            {
                foreach (int layers in new[] { 1, 2 })
                {
                    foreach (var states in Enum.GetValues<StateSource>())
                    {
                        foreach (bool lengths in new[] { false, true }) data.Add(op, lbr, activation, bidirectional, layers, states, lengths);
                    }
                }
            }
        }
        return data;
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void ImportedLayerMatchesOnnxRuntime(string op, int lbr, string activation, bool bidirectional, int layers, StateSource states, bool lengths)
    {
        var graph = new RecurrentGraph(op, lbr, activation, bidirectional, layers, states, lengths);
        var (model, output, stateH, stateC) = graph.Build(seed: 17 + layers);
        var inputs = graph.Inputs(seed: 5);
        var expected = OrtRunner.Run(model, inputs);

        var layer = Assert.IsType<RecurrentLayer<float>>(OnnxImporter.Import(model, "hand.onnx"));
        Assert.Equal(graph.ExpectedCell, layer.Kind);
        Assert.Equal((layers, bidirectional, false), (layer.Spec.Layers, layer.Spec.Bidirectional, layer.Spec.BatchFirst));
        if (op == "RNN") Assert.Equal(Enum.Parse<Activation>(activation), layer.Spec.Nonlinearity);

        var x = inputs["x"];
        var initial = states != StateSource.Given ? null
            : new[] { "h0", "c0" }.Where(inputs.ContainsKey).Select(n => new Variable<float>(new Tensor<float>(inputs[n].Floats, inputs[n].Shape.Select(d => (int)d).ToArray()))).ToArray();
        var lens = lengths ? (int[])inputs["lengths"].Values : [];
        var result = layer.Forward(new Tape<float>(), new Variable<float>(new Tensor<float>(x.Floats, RecurrentGraph.Steps, RecurrentGraph.Batch, RecurrentGraph.InputSize)), initial, lens);

        log.WriteLine(graph.ToString());
        ImportAssert.Close("output", expected[output].Floats, expected[output].Shape, result.Output.Value, log);
        ImportAssert.Close("h_n", expected[stateH].Floats, expected[stateH].Shape, result.FinalState[0].Value, log);
        if (stateC is not null) ImportAssert.Close("c_n", expected[stateC].Floats, expected[stateC].Shape, result.FinalState[1].Value, log);
    }

    [Fact]
    public void MissingBiasImportsAsZeros()
    {
        var graph = new RecurrentGraph("LSTM", 0, "", true, 1, StateSource.Omitted, false);
        var (model, output, stateH, _) = graph.Build(seed: 3, (g, node) => node.Input.RemoveAt(3));
        var inputs = graph.Inputs(seed: 4);
        var expected = OrtRunner.Run(model, inputs);

        var layer = Assert.IsType<RecurrentLayer<float>>(OnnxImporter.Import(model, "nobias.onnx"));
        Assert.All(layer.NamedParameters().Where(p => p.Name.StartsWith("bias", StringComparison.Ordinal)), p => Assert.All(p.Parameter.Value.Span.ToArray(), v => Assert.Equal(0f, v)));
        var x = inputs["x"];
        var result = layer.Forward(new Tape<float>(), new Variable<float>(new Tensor<float>(x.Floats, RecurrentGraph.Steps, RecurrentGraph.Batch, RecurrentGraph.InputSize)));
        ImportAssert.Close("output", expected[output].Floats, expected[output].Shape, result.Output.Value, log);
        ImportAssert.Close("h_n", expected[stateH].Floats, expected[stateH].Shape, result.FinalState[0].Value, log);
    }
}
