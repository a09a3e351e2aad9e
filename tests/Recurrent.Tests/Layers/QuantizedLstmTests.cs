using Recurrent.Autodiff;
using Recurrent.Cells;
using Recurrent.Data;
using Recurrent.Kernels;
using Recurrent.Layers;
using Recurrent.Models;
using Recurrent.Serialization;
using Recurrent.Tensors;
using Recurrent.Tests.Kernels;
using Recurrent.Training;

namespace Recurrent.Tests.Layers;

/// <summary>
/// int8 LSTM inference (<c>Quantize()</c>): against a naive double-precision LSTM that applies the same quantization,
/// against the float layer within a bound from the scales, streaming against whole sequences, and the copy's contract
/// (original untouched, no training, saving writes the float weights, other cells refused).
/// </summary>
public class QuantizedLstmTests
{
    private static RecurrentLayer<float> Layer(int input, int hidden, int layers = 1, bool bidirectional = false, ulong seed = 5) =>
        new(input, new RecurrentSpec { Cell = CellKind.Lstm, HiddenSize = hidden, Layers = layers, Bidirectional = bidirectional }, new Rng(seed));

    private static Tensor<float> Run(RecurrentLayer<float> layer, Tensor<float> x, int[]? lengths = null)
    {
        var tape = new Tape<float>();
        return layer.Forward(tape, new Variable<float>(x), null, lengths ?? default).Output.Value;
    }

    [SkippableTheory]
    [InlineData("AvxVnni", 4, 6, 7, 9)]
    [InlineData("AvxVnni", 9, 5, 33, 31)]
    [InlineData("Avx2", 4, 6, 7, 9)]
    [InlineData("Avx2", 9, 5, 33, 31)]
    [InlineData("Reference", 4, 6, 7, 9)]
    public void MatchesADoublePrecisionLstmWithTheSameQuantization(string kernel, int batch, int steps, int input, int hidden)
    {
        Int8GemmTests.UseKernel(kernel);
        try
        {
            var layer = Layer(input, hidden);
            var x = Tensor.Normal<float>(new Rng(11), 0, 1, batch, steps, input);
            var int8 = layer.Quantize();
            Tensor<float> actual;
            using (Threads.Limit(2)) actual = Run(int8, x);
            var cell = int8.Quantized!.Cells[0];
            var expected = ReferenceLstm(cell, x, batch, steps);
            double worst = 0;
            for (int i = 0; i < expected.Length; i++) worst = Math.Max(worst, Math.Abs(expected[i] - actual.Span[i]));
            // Float gate maths against double: ~1e-7 per step; a rare rounding flip of one quantized h moves one
            // product by s·s_w·|Q| ≤ ~1e-4 · 127 / 127.
            Assert.True(worst < 1e-4, $"max |Δ| = {worst} against the double-precision reference.");
        }
        finally
        {
            Int8Gemm.ForcedKernel = Int8KernelKind.Auto;
        }
    }

    /// <summary>
    /// The LSTM step by step in double from the int8 weights: x and h quantized per row with the library's rounding
    /// (<see cref="Quantization.RowParameters"/>, <see cref="Quantization.QuantizeValue"/>), every product, sum and
    /// activation in double.
    /// </summary>
    private static double[] ReferenceLstm(QuantizedLstm cell, Tensor<float> x, int batch, int steps)
    {
        int input = cell.Input, hidden = cell.Hidden, g4 = 4 * hidden;
        var output = new double[batch * steps * hidden];
        for (int b = 0; b < batch; b++)
        {
            var h = new double[hidden];
            var c = new double[hidden];
            for (int t = 0; t < steps; t++)
            {
                var xRow = x.Span.Slice((b * steps + t) * input, input).ToArray();
                var pre = new double[g4];
                Accumulate(xRow, cell.WeightIH, pre);
                Accumulate(h.Select(v => (float)v).ToArray(), cell.WeightHH, pre);
                for (int j = 0; j < hidden; j++)
                {
                    double i = Sigmoid(pre[j] + cell.Bias[j]), f = Sigmoid(pre[hidden + j] + cell.Bias[hidden + j]);
                    double g = Math.Tanh(pre[2 * hidden + j] + cell.Bias[2 * hidden + j]), o = Sigmoid(pre[3 * hidden + j] + cell.Bias[3 * hidden + j]);
                    c[j] = f * c[j] + i * g;
                    h[j] = o * Math.Tanh(c[j]);
                    output[(b * steps + t) * hidden + j] = h[j];
                }
            }
        }
        return output;
    }

    private static void Accumulate(float[] row, Int8Matrix w, double[] pre)
    {
        var (scale, zero) = Quantization.RowParameters(row);
        var q = row.Select(v => Quantization.QuantizeValue(v, 1f / scale, zero)).ToArray();
        for (int n = 0; n < w.N; n++)
        {
            double sum = 0;
            for (int k = 0; k < w.K; k++) sum += (double)scale * (q[k] - zero) * w.Scales[n] * w.Values[n * w.K + k];
            pre[n] += sum;
        }
    }

    private static double Sigmoid(double a) => 1 / (1 + Math.Exp(-a));

    [Fact]
    public void StaysCloseToTheFloatLayerWithinTheQuantizationBound()
    {
        int batch = 8, steps = 20, input = 16, hidden = 32;
        var layer = Layer(input, hidden);
        var x = Tensor.Normal<float>(new Rng(12), 0, 1, batch, steps, input);
        layer.Eval();
        var reference = Run(layer, x);
        var int8 = layer.Quantize();
        var actual = Run(int8, x);
        var cell = int8.Quantized!.Cells[0];

        // Step 1 (h0 = 0, exact in uint8): each pre-activation is off by at most
        // E = Σ_k |x_k|·s_w/2 + |w_k|·s_x/2 + s_x·s_w/4, and h = o·tanh(c) with c = i·g moves by at most
        // |Δo| + |Δi| + |Δg| ≤ E/4 + E/4 + E (σ' ≤ 1/4, tanh' ≤ 1, |i|, |g|, |o| ≤ 1).
        for (int b = 0; b < batch; b++)
        {
            var xRow = x.Span.Slice(b * steps * input, input);
            var (scale, _) = Quantization.RowParameters(xRow);
            var weights = layer.Cells[0].Parameters.First(p => p.Name == "weight_ih").Value.Span;
            double bound = 0;
            for (int n = 0; n < 4 * hidden; n++)
            {
                double e = 0;
                for (int k = 0; k < input; k++)
                {
                    e += Math.Abs(xRow[k]) * cell.WeightIH.Scales[n] / 2 + Math.Abs(weights[n * input + k]) * scale / 2 + scale * cell.WeightIH.Scales[n] / 4;
                }
                bound = Math.Max(bound, e);
            }
            for (int j = 0; j < hidden; j++)
            {
                double delta = Math.Abs(actual[b, 0, j] - reference[b, 0, j]);
                Assert.True(delta <= 1.5 * bound + 1e-6, $"row {b}, unit {j}: |Δh1| = {delta} > 1.5·E = {1.5 * bound}.");
            }
        }
        // Over 20 steps the error is carried by h and c but contracted by f < 1 and σ' ≤ 1/4: it stays of the order
        // of one step's (≈ 1e-2 here), far from the O(1) of a wrong product.
        double worst = 0;
        for (int i = 0; i < actual.Length; i++) worst = Math.Max(worst, Math.Abs(actual.Span[i] - reference.Span[i]));
        Assert.True(worst < 0.05, $"max |Δh| over the sequence = {worst}.");
    }

    [Fact]
    public void StreamingStepsGiveTheWholeSequenceOutputExactly()
    {
        int batch = 3, steps = 7, input = 9, hidden = 17;
        var int8 = Layer(input, hidden, layers: 2).Quantize();
        var x = Tensor.Normal<float>(new Rng(13), 0, 1, batch, steps, input);
        Tensor<float> whole;
        using (Threads.Limit(2)) whole = Run(int8, x);
        var state = int8.CreateState(batch);
        var stepIn = new float[batch * input];
        var stepOut = new float[batch * hidden];
        for (int t = 0; t < steps; t++)
        {
            for (int b = 0; b < batch; b++) x.Span.Slice((b * steps + t) * input, input).CopyTo(stepIn.AsSpan(b * input));
            int8.Step(stepIn, state, stepOut);
            for (int b = 0; b < batch; b++)
            {
                for (int j = 0; j < hidden; j++) Assert.Equal(whole[b, t, j], stepOut[b * hidden + j]);
            }
        }
    }

    [Fact]
    public void BidirectionalStackedLayersWithLengthsStayCloseAndZeroPaddedSteps()
    {
        int batch = 5, steps = 9, input = 8, hidden = 16;
        var layer = Layer(input, hidden, layers: 2, bidirectional: true);
        layer.Eval();
        var x = Tensor.Normal<float>(new Rng(14), 0, 1, batch, steps, input);
        int[] lengths = [9, 1, 5, 8, 3];
        var reference = Run(layer, x, lengths);
        var actual = Run(layer.Quantize(), x, lengths);
        for (int b = 0; b < batch; b++)
        {
            for (int t = 0; t < steps; t++)
            {
                for (int j = 0; j < 2 * hidden; j++)
                {
                    if (t >= lengths[b]) Assert.Equal(0f, actual[b, t, j]);
                    else Assert.True(Math.Abs(actual[b, t, j] - reference[b, t, j]) < 0.05, $"[{b}, {t}, {j}]: {actual[b, t, j]} against float {reference[b, t, j]}.");
                }
            }
        }
    }

    [Fact]
    public void QuantizeLeavesTheOriginalBitIdentical()
    {
        var model = new Sequential<float>(new SequentialConfig(6, 3, [new RecurrentSpec { Cell = CellKind.Lstm, HiddenSize = 12 }], SequencePooling.LastStep), new Rng(2));
        var before = model.StateDict().ToDictionary(p => p.Key, p => p.Value.Span.ToArray());
        var x = Tensor.Normal<float>(new Rng(3), 0, 1, 4, 5, 6);
        var classes = new int[4];
        model.Eval();
        var logitsBefore = model.Forward(new Tape<float>(), new Variable<float>(x)).Value.Span.ToArray();
        model.Train();

        var int8 = model.Quantize();
        Assert.IsType<Sequential<float>>(int8);
        Assert.True(int8.IsQuantized);
        Assert.False(int8.IsTraining);
        Assert.False(model.IsQuantized);
        Assert.True(model.IsTraining);
        int8.Predict(x, classes);
        foreach (var (name, value) in model.StateDict()) Assert.Equal(before[name], value.Span.ToArray());
        model.Eval();
        Assert.Equal(logitsBefore, model.Forward(new Tape<float>(), new Variable<float>(x)).Value.Span.ToArray());
        Assert.Null(model.Recurrent[0].Quantized);
    }

    [Fact]
    public void TrainingAQuantizedModelFailsWithOneLine()
    {
        var model = new Sequential<float>(new SequentialConfig(4, 2, [new RecurrentSpec { Cell = CellKind.Lstm, HiddenSize = 8 }], SequencePooling.LastStep), new Rng(2));
        var int8 = model.Quantize();
        const string expected = "this model is quantized to int8 for inference; train the float model and call Quantize() again.";
        Assert.Equal(expected, Assert.Throws<InvalidOperationException>(int8.Train).Message);

        var x = Tensor.Normal<float>(new Rng(3), 0, 1, 16, 5, 4);
        var y = Enumerable.Range(0, 16).Select(i => i % 2).ToArray();
        var trainer = new Trainer<SequenceBatch>(int8, int8.Loss, new TrainerOptions { Epochs = 1 });
        Assert.Equal(expected, Assert.Throws<InvalidOperationException>(() => trainer.Fit(new SequenceData(x, y, 8))).Message);

        var tape = new Tape<float>();
        var loss = int8.Loss(tape, new Variable<float>(x), y);
        Assert.Equal(expected, Assert.Throws<InvalidOperationException>(() => tape.Backward(loss)).Message);
    }

    [Fact]
    public void SavingAQuantizedModelWritesTheFloatWeights()
    {
        var model = new Sequential<float>(new SequentialConfig(4, 3, [new RecurrentSpec { Cell = CellKind.Lstm, HiddenSize = 8, Layers = 2 }], SequencePooling.LastStep), new Rng(6));
        var int8 = model.Quantize();
        string path = Path.Combine(Path.GetTempPath(), $"int8-{Guid.NewGuid():N}.safetensors");
        try
        {
            int8.Save(path);
            var loaded = Model.Load<Sequential<float>>(path);
            Assert.False(loaded.IsQuantized);
            foreach (var (name, value) in model.StateDict()) Assert.Equal(value.Span.ToArray(), loaded.StateDict()[name].Span.ToArray());
            var x = Tensor.Normal<float>(new Rng(7), 0, 1, 3, 4, 4);
            int8.Eval();
            var again = loaded.Quantize();
            Assert.Equal(int8.Forward(new Tape<float>(), new Variable<float>(x)).Value.Span.ToArray(), again.Forward(new Tape<float>(), new Variable<float>(x)).Value.Span.ToArray());
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Theory]
    [InlineData(CellKind.Gru)]
    [InlineData(CellKind.CudnnGru)]
    [InlineData(CellKind.Elman)]
    public void OtherCellsAreRefusedWithOneLine(CellKind kind)
    {
        var layer = new RecurrentLayer<float>(4, new RecurrentSpec { Cell = kind, HiddenSize = 8 }, new Rng(1));
        var e = Assert.Throws<NotSupportedException>(() => layer.Quantize());
        Assert.Equal($"int8 inference covers LSTM layers only; this model has a {kind} layer (run it in float32, without Quantize() or --int8).", e.Message);
    }
}
