using Recurrent.Autodiff;
using Recurrent.Cells;
using Recurrent.Layers;
using Recurrent.Tensors;
using static Recurrent.Tests.Autodiff.GradAssert;

namespace Recurrent.Tests.Layers;

/// <summary>Whole layers (stacked, bidirectional, variable-length, both layouts) against finite differences in double.</summary>
public class RecurrentLayerGradientTests
{
    public static TheoryData<CellKind, int, bool, bool, bool, bool> Configurations()
    {
        var data = new TheoryData<CellKind, int, bool, bool, bool, bool>();
        foreach (var kind in Enum.GetValues<CellKind>())
        {
            if (kind is CellKind.Custom) continue; // a cell of the user's own: Cells/CustomCellTests
            foreach (bool fused in new[] { true, false })
            {
                if (fused && kind is CellKind.Jordan or CellKind.ElmanJordan) continue; // no fused kernels
                data.Add(kind, 2, false, false, true, fused);  // stacked
                data.Add(kind, 1, true, false, true, fused);   // bidirectional
                data.Add(kind, 2, true, true, false, fused);   // stacked, bidirectional, variable lengths, time-first
            }
        }
        return data;
    }

    [Theory]
    [MemberData(nameof(Configurations))]
    public void LayerMatchesFiniteDifferences(CellKind kind, int layers, bool bidirectional, bool variableLength, bool batchFirst, bool fused)
    {
        const int batch = 3, steps = 4, input = 2, hidden = 3;
        var rng = new Rng(7 + (ulong)kind);
        var layer = new RecurrentLayer<double>(input, new RecurrentSpec
        {
            Cell = kind, HiddenSize = hidden, Layers = layers, Bidirectional = bidirectional, BatchFirst = batchFirst,
            CellOutputSize = kind is CellKind.Jordan or CellKind.ElmanJordan ? 2 : null,
        }, rng);
        layer.UseFusedKernels = fused;
        Assert.Equal(fused, layer.RunsFused);
        var x = Param(rng, "x", batchFirst ? [batch, steps, input] : [steps, batch, input]);
        var state0 = layer.State.Select(s => Param(rng, "state0_" + s.Name, layers * layer.Directions, batch, s.Size)).ToArray();
        int[] lengths = variableLength ? [4, 1, 3] : [];
        var r = Random(rng, batchFirst ? [batch, steps, layer.OutputSize] : [steps, batch, layer.OutputSize]);
        var rs = state0.Select(s => Random(rng, s.Value.Shape.ToArray())).ToArray();

        Variable<double> Loss(Tape<double> tape)
        {
            var result = layer.Forward(tape, x, state0, lengths);
            var loss = Project(tape, result.Output, r);
            for (int c = 0; c < rs.Length; c++) loss = tape.Add(loss, Project(tape, result.FinalState[c], rs[c]));
            return loss;
        }

        Check(Loss, [x, .. state0, .. layer.Parameters()]);
    }

    [Fact]
    public void DropoutBetweenLayersOnlyWhileTraining()
    {
        var rng = new Rng(3);
        var layer = new RecurrentLayer<double>(3, new RecurrentSpec { HiddenSize = 4, Layers = 2, Dropout = 0.5 }, rng);
        var x = new Variable<double>(Random(rng, 2, 5, 3));
        layer.Eval();
        var a = layer.Forward(new Tape<double>(), x).Output.Value.ToArray();
        var b = layer.Forward(new Tape<double>(), x).Output.Value.ToArray();
        Assert.Equal(a, b);
        layer.Train();
        var c = layer.Forward(new Tape<double>(), x).Output.Value.ToArray();
        Assert.NotEqual(a, c);
    }
}
