using Microsoft.ML.OnnxRuntime;
using Microsoft.ML.OnnxRuntime.Tensors;
using Tensor = Recurrent.Tensors.Tensor;
using Recurrent.Autodiff;
using Recurrent.Cells;
using Recurrent.Layers;
using Recurrent.Models;
using Recurrent.Onnx.Export;
using Recurrent.Tensors;

namespace Recurrent.Tests.Onnx.Quantized;

/// <summary>
/// Recurrent's int8 LSTM against ONNX Runtime's own int8 LSTM (<c>com.microsoft.DynamicQuantizeLSTM</c>) on the same
/// int8 weights: an independent implementation of the same dynamic quantization, which differs only in how it
/// quantizes the activations (one range per tensor where Recurrent takes one per row).
/// </summary>
public class DynamicQuantizeLstmTests
{
    [Theory]
    [InlineData(4, 6, 7, 9)]
    [InlineData(8, 20, 32, 64)]
    public void MatchesOnnxRuntimesDynamicQuantizeLstm(int batch, int steps, int input, int hidden)
    {
        var layer = new RecurrentLayer<float>(input, new RecurrentSpec { Cell = CellKind.Lstm, HiddenSize = hidden }, new Rng(21));
        var int8 = layer.Quantize();
        var x = Tensor.Uniform<float>(new Rng(22), -1, 1, batch, steps, input);
        var ours = int8.Forward(new Tape<float>(), new Variable<float>(x)).Output.Value;
        layer.Eval();
        var reference = layer.Forward(new Tape<float>(), new Variable<float>(x)).Output.Value;

        var cell = int8.Quantized!.Cells[0];
        byte[] model = DynamicQuantizeLstmGraph.Build(input, hidden, cell.WeightIH.Values, cell.WeightIH.Scales, cell.WeightHH.Values, cell.WeightHH.Scales, cell.Bias);
        var timeMajor = new float[steps * batch * input];
        for (int b = 0; b < batch; b++)
        {
            for (int t = 0; t < steps; t++) x.Span.Slice((b * steps + t) * input, input).CopyTo(timeMajor.AsSpan((t * batch + b) * input));
        }
        using var session = new InferenceSession(model);
        using var results = session.Run([NamedOnnxValue.CreateFromTensor("x", new DenseTensor<float>(timeMajor, [steps, batch, input]))]);
        var y = results[0].AsTensor<float>().ToArray(); // (T, 1, B, H)

        // The tolerance from the activation steps: a product Σ_k x_k·w_k quantized by both sides differs by at most
        // Σ_k |w_k|·(s_ours + s_ort)/2 (each side rounds x to half its step; the int8 weights are the same), with
        // s_ort = range(X) / 255 over the whole input tensor and s_ours ≤ s_ort over one row. h in (−1, 1) adds the
        // same over H with s ≤ 2/255. Through the gates |Δh| ≤ 1.5 × the largest pre-activation difference (σ' ≤ 1/4,
        // tanh' ≤ 1); the state carries it on, so the bound allows twice that.
        float min = MathF.Min(0, System.Numerics.Tensors.TensorPrimitives.Min(x.Span)), max = MathF.Max(0, System.Numerics.Tensors.TensorPrimitives.Max(x.Span));
        double sx = (max - min) / 255.0, sh = 2 / 255.0, e = 0;
        for (int n = 0; n < 4 * hidden; n++)
        {
            double wi = 0, wh = 0;
            for (int k = 0; k < input; k++) wi += Math.Abs(cell.WeightIH.Values[n * input + k]) * cell.WeightIH.Scales[n];
            for (int k = 0; k < hidden; k++) wh += Math.Abs(cell.WeightHH.Values[n * hidden + k]) * cell.WeightHH.Scales[n];
            e = Math.Max(e, wi * sx + wh * sh);
        }
        double tolerance = 2 * 1.5 * e;
        double ortVsOurs = 0, ortVsFloat = 0, oursVsFloat = 0;
        for (int b = 0; b < batch; b++)
        {
            for (int t = 0; t < steps; t++)
            {
                for (int j = 0; j < hidden; j++)
                {
                    float theirs = y[(t * batch + b) * hidden + j], mine = ours[b, t, j], exact = reference[b, t, j];
                    ortVsOurs = Math.Max(ortVsOurs, Math.Abs(theirs - mine));
                    ortVsFloat = Math.Max(ortVsFloat, Math.Abs(theirs - exact));
                    oursVsFloat = Math.Max(oursVsFloat, Math.Abs(mine - exact));
                }
            }
        }
        Assert.True(ortVsOurs <= tolerance, $"max |ours − ORT int8| = {ortVsOurs:E2} > {tolerance:E2} (ORT vs float {ortVsFloat:E2}, ours vs float {oursVsFloat:E2}).");
        // Per-row ranges are never coarser than ORT's per-tensor one: ours is as close to float32 as ORT's, within noise.
        Assert.True(oursVsFloat <= 1.5 * ortVsFloat + 1e-3, $"ours vs float {oursVsFloat:E2}, ORT vs float {ortVsFloat:E2}.");
        Assert.True(ortVsOurs > 0, "identical to the last bit: the two quantizations should differ somewhere.");
    }
}
