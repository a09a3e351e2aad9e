using Recurrent.Autodiff;
using Recurrent.Cells;
using Recurrent.Layers;
using Recurrent.Tensors;

namespace Recurrent.Tests.Layers;

/// <summary>
/// Padding changes nothing: a batch of sequences of different lengths gives the same outputs, final states and
/// gradients as running each sequence alone.
/// </summary>
public class VariableLengthTests
{
    [Theory]
    [InlineData(CellKind.Lstm, true)]
    [InlineData(CellKind.Gru, true)]
    [InlineData(CellKind.CudnnGru, false)]
    [InlineData(CellKind.Elman, true)]
    [InlineData(CellKind.ElmanJordan, true)]
    public void BatchEqualsEachSequenceAlone(CellKind kind, bool bidirectional)
    {
        const int steps = 6, input = 3, hidden = 4;
        int[] lengths = [6, 2, 4, 1];
        int batch = lengths.Length;
        var rng = new Rng(21);
        var spec = new RecurrentSpec
        {
            Cell = kind, HiddenSize = hidden, Layers = 2, Bidirectional = bidirectional,
            CellOutputSize = kind == CellKind.ElmanJordan ? 3 : null,
        };
        var layer = new RecurrentLayer<double>(input, spec, rng);
        int d = layer.Directions, states = layer.State.Count, o = layer.OutputSize;
        var x = Tensor.Normal<double>(rng, 0, 1, batch, steps, input);
        var h0 = layer.State.Select(s => Tensor.Normal<double>(rng, 0, 1, 2 * d, batch, s.Size)).ToArray();
        var r = Tensor.Normal<double>(rng, 0, 1, batch, steps, o);
        var rs = h0.Select(s => Tensor.Normal<double>(rng, 0, 1, s.Shape.ToArray())).ToArray();

        // The whole padded batch.
        var (batchOut, batchFinal, batchGradX, batchGradH0, batchGradW) = Run(layer, x, h0, r, rs, lengths);

        // Each sequence alone, over its own steps only; parameter gradients add up over the sequences.
        var sumGradW = layer.Parameters().Select(p => new double[p.Value.Length]).ToArray();
        for (int b = 0; b < batch; b++)
        {
            int len = lengths[b];
            var xb = new Tensor<double>(1, len, input);
            var rb = new Tensor<double>(1, len, o);
            for (int t = 0; t < len; t++)
            {
                for (int i = 0; i < input; i++) xb[0, t, i] = x[b, t, i];
                for (int i = 0; i < o; i++) rb[0, t, i] = r[b, t, i];
            }
            var h0b = h0.Select(s => Row(s, b)).ToArray();
            var rsb = rs.Select(s => Row(s, b)).ToArray();
            var (outB, finalB, gradXB, gradH0B, gradWB) = Run(layer, xb, h0b, rb, rsb, []);

            for (int t = 0; t < steps; t++)
            {
                for (int i = 0; i < o; i++)
                {
                    Assert.Equal(t < len ? outB[0, t, i] : 0.0, batchOut[b, t, i], 12);
                }
                for (int i = 0; i < input; i++)
                {
                    Assert.Equal(t < len ? gradXB[0, t, i] : 0.0, batchGradX[b, t, i], 12);
                }
            }
            for (int c = 0; c < states; c++)
            {
                for (int k = 0; k < 2 * d; k++)
                {
                    for (int i = 0; i < layer.State[c].Size; i++)
                    {
                        Assert.Equal(finalB[c][k, 0, i], batchFinal[c][k, b, i], 12);
                        Assert.Equal(gradH0B[c][k, 0, i], batchGradH0[c][k, b, i], 12);
                    }
                }
            }
            for (int p = 0; p < sumGradW.Length; p++)
            {
                for (int i = 0; i < sumGradW[p].Length; i++) sumGradW[p][i] += gradWB[p][i];
            }
        }
        for (int p = 0; p < sumGradW.Length; p++)
        {
            for (int i = 0; i < sumGradW[p].Length; i++) Assert.Equal(sumGradW[p][i], batchGradW[p][i], 11);
        }
    }

    private static Tensor<double> Row(Tensor<double> states, int b)
    {
        int k = states.Dim(0), size = states.Dim(2);
        var result = new Tensor<double>(k, 1, size);
        for (int i = 0; i < k; i++)
        {
            for (int j = 0; j < size; j++) result[i, 0, j] = states[i, b, j];
        }
        return result;
    }

    private static (Tensor<double> Out, Tensor<double>[] Final, Tensor<double> GradX, Tensor<double>[] GradH0, double[][] GradW) Run(
        RecurrentLayer<double> layer, Tensor<double> x, Tensor<double>[] h0, Tensor<double> r, Tensor<double>[] rs, int[] lengths)
    {
        layer.ZeroGrad();
        var tape = new Tape<double>();
        var xv = new Variable<double>(x, requiresGrad: true);
        var h0v = h0.Select(h => new Variable<double>(h, requiresGrad: true)).ToArray();
        var result = layer.Forward(tape, xv, h0v, lengths);
        var seeds = new List<(Variable<double>, Tensor<double>)> { (result.Output, r) };
        for (int c = 0; c < rs.Length; c++) seeds.Add((result.FinalState[c], rs[c]));
        tape.Backward([.. seeds]);
        return (result.Output.Value.Clone(), result.FinalState.Select(f => f.Value.Clone()).ToArray(), xv.Grad!.Clone(),
            h0v.Select(h => h.Grad!.Clone()).ToArray(), layer.Parameters().Select(p => p.Grad!.ToArray()).ToArray());
    }
}
