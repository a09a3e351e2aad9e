using Recurrent.Autodiff;
using Recurrent.Cells;
using Recurrent.Tensors;
using Recurrent.Layers;
using Recurrent.Onnx.Export;
using Xunit.Abstractions;

namespace Recurrent.Tests.Onnx.Export;

/// <summary>
/// Every cell × {1 layer, 2 layers, bidirectional, 2 bidirectional layers time-first}, exported and run in ONNX Runtime
/// on a padded batch with random initial states: outputs and final states within 1e-5 of the library's forward pass.
/// </summary>
public class LayerExportTests(ITestOutputHelper output)
{
    private const double Tolerance = 1e-5;

    public static TheoryData<string, string> Matrix()
    {
        var data = new TheoryData<string, string>();
        foreach (var (cell, _) in LayerExportCases.Cells)
        {
            foreach (var (shape, _) in LayerExportCases.Shapes) data.Add(cell, shape);
        }
        return data;
    }

    [Theory]
    [MemberData(nameof(Matrix))]
    public void MatchesOnnxRuntime(string cell, string shape)
    {
        var (y, states) = LayerExportCases.Run(LayerExportCases.Spec(cell, shape));
        output.WriteLine($"{cell}, {shape}: y {y:E1}, states {states:E1}");
        Assert.True(y <= Tolerance, $"{cell}, {shape}: max |y − y_ort| = {y:E2}");
        Assert.True(states <= Tolerance, $"{cell}, {shape}: max |state − state_ort| = {states:E2}");
    }

    public static TheoryData<string, int> OpsetMatrix()
    {
        var data = new TheoryData<string, int>();
        foreach (var (cell, _) in LayerExportCases.Cells)
        {
            foreach (int opset in new[] { 14, 21, 23 }) data.Add(cell, opset);
        }
        return data;
    }

    [Theory]
    [MemberData(nameof(OpsetMatrix))]
    public void MatchesOnnxRuntimeAtOtherOpsets(string cell, int opset)
    {
        foreach (var (shape, _) in LayerExportCases.Shapes)
        {
            var (y, states) = LayerExportCases.Run(LayerExportCases.Spec(cell, shape), new OnnxExportOptions { Opset = opset });
            output.WriteLine($"{cell}, {shape}, opset {opset}: y {y:E1}, states {states:E1}");
            Assert.True(Math.Max(y, states) <= Tolerance, $"{cell}, {shape}, opset {opset}: max difference {Math.Max(y, states):E2}");
        }
    }

    [Theory]
    [InlineData("Lstm")]
    [InlineData("Jordan")]
    [InlineData("Elman + output layer")]
    public void MatchesOnnxRuntimeWithoutLengthsOrInitialStates(string cell)
    {
        var options = new OnnxExportOptions { VariableLengths = false, InitialStates = false };
        foreach (var (shape, _) in LayerExportCases.Shapes)
        {
            var (y, states) = LayerExportCases.Run(LayerExportCases.Spec(cell, shape), options);
            Assert.True(Math.Max(y, states) <= Tolerance, $"{cell}, {shape}, full-length batch from zero state: max difference {Math.Max(y, states):E2}");
        }
    }

    [Fact]
    public void RefusesCustomCellsInOneLine()
    {
        var spec = new RecurrentSpec { Cell = CellKind.Custom, HiddenSize = 4 };
        var layer = new RecurrentLayer<float>(3, spec, (i, r) => new MinimalCell(i, 4, r), new Rng(1));
        var e = Assert.Throws<NotSupportedException>(() => OnnxExporter.Export(layer));
        Assert.DoesNotContain('\n', e.Message);
        Assert.Contains("custom cell MinimalCell", e.Message);
    }

    /// <summary>A custom cell (h' = tanh(W·x + U·h)), which has no ONNX export.</summary>
    private sealed class MinimalCell : RecurrentCell<float>
    {
        private readonly Variable<float> _w, _u;

        public MinimalCell(int input, int hidden, Rng rng) : base(input, hidden)
        {
            _w = AddWeight("weight_ih", rng, hidden, input);
            _u = AddWeight("weight_hh", rng, hidden, hidden);
        }

        public override CellKind Kind => CellKind.Custom;

        public override IReadOnlyList<(string Name, int Size)> State => [("h", HiddenSize)];

        protected override CellStep<float> StepCore(Tape<float> tape, Variable<float> x, ReadOnlySpan<Variable<float>> state) =>
            Step(tape, tape.Tanh(tape.Add(tape.Affine(x, _w, null), tape.Affine(state[0], _u, null))));

        private static CellStep<float> Step(Tape<float> tape, Variable<float> h) => new(h, [h]);
    }
}
