using Recurrent.Cells;
using Recurrent.Layers;
using Recurrent.Tensors;

namespace Recurrent.Tests.Layers;

/// <summary>
/// The gate activations <see cref="RecurrentLayer{T}.Step(ReadOnlySpan{T}, RecurrentState{T}, Span{T}, Span{T})"/> reports
/// are the ones the step used: recomputed here in double from the weights, the step's input and the state before it,
/// and the state after it follows from them (c' = f⊙c + i⊙g, h' = o⊙tanh(c'); h' = h + z⊙(n − h); h' = n + z⊙(h − n)).
/// </summary>
public class StepGatesTests
{
    [Theory]
    [InlineData(CellKind.Lstm, 9, 2)]
    [InlineData(CellKind.Gru, 17, 2)]
    [InlineData(CellKind.CudnnGru, 8, 1)]
    public void GatesMatchTheCellEquationsInDouble(CellKind kind, int hidden, int layers)
    {
        const int input = 5, batch = 3, steps = 4;
        var layer = new RecurrentLayer<float>(input, new RecurrentSpec { Cell = kind, HiddenSize = hidden, Layers = layers }, new Rng(7));
        int g = kind == CellKind.Lstm ? 4 : 3;
        Assert.Equal(kind == CellKind.Lstm ? ["i", "f", "g", "o"] : new[] { "r", "z", "n" }, layer.GateNames);
        var state = layer.CreateState(batch);
        var rng = new Rng(11);
        var gates = new float[layers * batch * g * hidden];
        var output = new float[batch * hidden];
        for (int t = 0; t < steps; t++)
        {
            var x = new float[batch * input];
            for (int i = 0; i < x.Length; i++) x[i] = (float)(rng.NextDouble() * 4 - 2);
            var before = state.Tensors.Select(s => s.Span.ToArray()).ToArray();
            layer.Step(x, state, output, gates);
            float[] below = x;
            int width = input;
            for (int k = 0; k < layers; k++)
            {
                var cell = (GateBlockCell<float>)layer.Cells[k];
                for (int b = 0; b < batch; b++)
                {
                    double[] hPrev = Row(before[0], k, b, batch, hidden);
                    double[] xb = below.AsSpan(b * width, width).ToArray().Select(v => (double)v).ToArray();
                    double[] a = Affine(cell.WeightIH.Value, cell.BiasIH.Value, xb), r = Affine(cell.WeightHH.Value, cell.BiasHH.Value, hPrev);
                    double[] hNew = Row(state.Tensors[0].Span.ToArray(), k, b, batch, hidden);
                    var reported = gates.AsSpan((k * batch + b) * g * hidden, g * hidden);
                    for (int j = 0; j < hidden; j++)
                    {
                        double expectedH;
                        double[] expected;
                        if (kind == CellKind.Lstm)
                        {
                            double i = Sigmoid(a[j] + r[j]), f = Sigmoid(a[hidden + j] + r[hidden + j]);
                            double gg = Math.Tanh(a[2 * hidden + j] + r[2 * hidden + j]), o = Sigmoid(a[3 * hidden + j] + r[3 * hidden + j]);
                            double c = f * Row(before[1], k, b, batch, hidden)[j] + i * gg;
                            expected = [i, f, gg, o];
                            expectedH = o * Math.Tanh(c);
                            Assert.Equal(c, state.Tensors[1].Span[(k * batch + b) * hidden + j], 4);
                        }
                        else
                        {
                            double rr = Sigmoid(a[j] + r[j]), z = Sigmoid(a[hidden + j] + r[hidden + j]);
                            double n;
                            if (kind == CellKind.Gru)
                            {
                                // Lecture GRU: the reset gate scales h before W_hn, n = tanh(W_in·x + b_in + W_hn·(r⊙h) + b_hn).
                                double rh = 0;
                                for (int m = 0; m < hidden; m++) rh += cell.WeightHH.Value.Span[(2 * hidden + j) * hidden + m] * Sigmoid(a[m] + r[m]) * hPrev[m];
                                n = Math.Tanh(a[2 * hidden + j] + rh + cell.BiasHH.Value.Span[2 * hidden + j]);
                                expectedH = hPrev[j] + z * (n - hPrev[j]);
                            }
                            else
                            {
                                n = Math.Tanh(a[2 * hidden + j] + rr * r[2 * hidden + j]);
                                expectedH = n + z * (hPrev[j] - n);
                            }
                            expected = [rr, z, n];
                        }
                        for (int q = 0; q < g; q++) Assert.True(Math.Abs(expected[q] - reported[q * hidden + j]) < 1e-5, $"{kind} t={t} layer {k} row {b} gate {layer.GateNames[q]} unit {j}: {reported[q * hidden + j]} vs {expected[q]}");
                        Assert.True(Math.Abs(expectedH - hNew[j]) < 1e-5, $"{kind} t={t} layer {k} h unit {j}: {hNew[j]} vs {expectedH}");
                    }
                }
                below = Enumerable.Range(0, batch * hidden).Select(i => state.Tensors[0].Span[k * batch * hidden + i]).ToArray();
                width = hidden;
            }
            Assert.Equal(below, output);
        }
    }

    [Fact]
    public void ElmanReportsNoGatesAndRefusesAGatesBuffer()
    {
        var layer = new RecurrentLayer<float>(3, new RecurrentSpec { Cell = CellKind.Elman, HiddenSize = 4 }, new Rng(1));
        Assert.Empty(layer.GateNames);
        var state = layer.CreateState(1);
        var e = Assert.Throws<InvalidOperationException>(() => layer.Step(new float[3], state, new float[4], new float[4]));
        Assert.Contains("GateNames is empty", e.Message);
    }

    [Fact]
    public void AGatesBufferOfTheWrongSizeIsRefused()
    {
        var layer = new RecurrentLayer<float>(3, new RecurrentSpec { Cell = CellKind.Lstm, HiddenSize = 4, Layers = 2 }, new Rng(1));
        var e = Assert.Throws<ArgumentException>(() => layer.Step(new float[3], layer.CreateState(1), new float[4], new float[16]));
        Assert.Contains("expected L × B × G·H = 2 × 1 × 4·4", e.Message);
    }

    private static double Sigmoid(double v) => 1 / (1 + Math.Exp(-v));

    private static double[] Row(float[] values, int layer, int b, int batch, int hidden) =>
        values.AsSpan((layer * batch + b) * hidden, hidden).ToArray().Select(v => (double)v).ToArray();

    private static double[] Affine(Tensor<float> w, Tensor<float> bias, double[] x)
    {
        int rows = w.Dim(0), cols = w.Dim(1);
        var y = new double[rows];
        for (int i = 0; i < rows; i++)
        {
            double s = bias.Span[i];
            for (int j = 0; j < cols; j++) s += w.Span[i * cols + j] * x[j];
            y[i] = s;
        }
        return y;
    }
}
