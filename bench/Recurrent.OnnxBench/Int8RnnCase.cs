using Microsoft.ML.OnnxRuntime;
using Recurrent.Autodiff;
using Recurrent.Cells;
using Recurrent.Cli.Bench;
using Recurrent.Layers;
using Recurrent.Models;
using Recurrent.Onnx.Export;
using Recurrent.Tensors;

namespace Recurrent.OnnxBench;

/// <summary>
/// int8 LSTM inference, <c>rnn --int8</c>: Recurrent's <c>Quantize()</c>d layer against ONNX Runtime's own int8 LSTM
/// (<c>com.microsoft.DynamicQuantizeLSTM</c>) built from the same int8 weights, and against ONNX Runtime's float32
/// LSTM (the layer's export), alternately in one process; prints the max |Δ| of the outputs between the three and
/// Recurrent's float32 layer.
/// </summary>
internal static class Int8RnnCase
{
    public static IEnumerable<string> Run(BenchOptions options)
    {
        if ((options.Text("--cell") ?? "lstm") != "lstm") throw new ArgumentException("--int8 runs LSTM only (DynamicQuantizeLSTM is ONNX Runtime's one int8 recurrent operator).");
        if (options.Int("--layers", 1) != 1) throw new ArgumentException("--int8 runs one layer (one DynamicQuantizeLSTM node).");
        int b = options.Int("--batch", 64), t = options.Int("--steps", 100), i = options.Int("--input", 256), h = options.Int("--hidden", 512);
        int threads = options.Threads;
        Threads.DefaultMaxThreads = threads;

        var rng = new Rng(1234);
        var layer = new RecurrentLayer<float>(i, new RecurrentSpec { Cell = CellKind.Lstm, HiddenSize = h }, rng);
        layer.Eval();
        layer.RequiresGrad(false);
        var int8 = layer.Quantize();
        var x = Tensor.Uniform<float>(rng, -1, 1, b, t, i);
        var input = new Variable<float>(x);
        var tape = new Tape<float>();
        Tensor<float> ours = default!;
        void Recurrent()
        {
            tape.Reset();
            ours = int8.Forward(tape, input).Output.Value;
        }

        var floatGraph = OnnxExporter.Export(layer, new OnnxExportOptions { VariableLengths = false, InitialStates = false })["model"].ToBytes();
        var yFloat = new float[b * t * h];
        using var ortFloat = new OrtGraph(floatGraph, threads, [("x", OrtGraph.Floats(x.ToArray(), b, t, i))],
            [("y", OrtGraph.Floats(yFloat, b, t, h)), ("hn", OrtGraph.Floats(new float[b * h], 1, b, h)), ("cn", OrtGraph.Floats(new float[b * h], 1, b, h))]);

        var cell = int8.Quantized!.Cells[0];
        byte[] quantizedGraph = DynamicQuantizeLstmGraph.Build(i, h, cell.WeightIH.Values, cell.WeightIH.Scales, cell.WeightHH.Values, cell.WeightHH.Scales, cell.Bias);
        var timeMajor = new float[t * b * i];
        for (int r = 0; r < b; r++)
        {
            for (int s = 0; s < t; s++) x.Span.Slice((r * t + s) * i, i).CopyTo(timeMajor.AsSpan((s * b + r) * i));
        }
        var yInt8 = new float[t * b * h]; // (T, 1, B, H)
        using var ortInt8 = new OrtGraph(quantizedGraph, threads, [("x", OrtGraph.Floats(timeMajor, t, b, i))], [("y", OrtGraph.Floats(yInt8, t, 1, b, h))]);

        // Alternately, twice, so that a change in the machine's load reaches all three.
        double[] ms = [double.MaxValue, double.MaxValue, double.MaxValue];
        Action[] calls = [Recurrent, ortFloat.Run, ortInt8.Run];
        for (int round = 0; round < 2; round++)
        {
            for (int c = 0; c < calls.Length; c++) ms[c] = Math.Min(ms[c], Timing.MedianMs(calls[c], warmup: round == 0 ? 3 : 1, minRunSeconds: 0.4));
        }
        foreach (var call in calls) call();
        var exact = layer.Forward(new Tape<float>(), input).Output.Value;
        double oursVsOrt = 0, oursVsFloat = 0, ortVsFloat = 0, ortFloatVsFloat = 0;
        for (int r = 0; r < b; r++)
        {
            for (int s = 0; s < t; s++)
            {
                for (int j = 0; j < h; j++)
                {
                    int ours_ = (r * t + s) * h + j;
                    float theirs = yInt8[(s * b + r) * h + j], mine = ours.Span[ours_], reference = exact.Span[ours_];
                    oursVsOrt = Math.Max(oursVsOrt, Math.Abs(mine - theirs));
                    oursVsFloat = Math.Max(oursVsFloat, Math.Abs(mine - reference));
                    ortVsFloat = Math.Max(ortVsFloat, Math.Abs(theirs - reference));
                    ortFloatVsFloat = Math.Max(ortFloatVsFloat, Math.Abs(yFloat[ours_] - reference));
                }
            }
        }
        (string Key, object Value)[] shape = [("case", "rnn-int8"), ("cell", "lstm"), ("B", b), ("T", t), ("I", i), ("H", h)];
        string name = string.Join(" ", shape.Select(f => $"{f.Key}={f.Value}"));
        if (!options.Json)
        {
            return
            [
                $"{name} threads={threads}, int8 products: {ModelQuantization.KernelName}",
                $"  recurrent int8               {ms[0],10:F4} ms",
                $"  onnxruntime float32 LSTM     {ms[1],10:F4} ms  (ratio {ms[1] / ms[0]:F2})",
                $"  onnxruntime DynamicQuantizeLSTM {ms[2],7:F4} ms  (ratio {ms[2] / ms[0]:F2})",
                $"  max |Δ|: ours int8 vs ORT int8 {oursVsOrt:E2}; vs float32: ours int8 {oursVsFloat:E2}, ORT int8 {ortVsFloat:E2}, ORT float32 {ortFloatVsFloat:E2}",
            ];
        }
        return
        [
            .. new[] { ("recurrent-int8", ms[0]), ("onnxruntime-float32", ms[1]), ("onnxruntime-dynamicquantizelstm", ms[2]) }
                .Select(p => JsonLine.Format([("op", "onnx-int8"), .. shape, ("impl", p.Item1), ("threads", threads), ("median_ms", Math.Round(p.Item2, 4))])),
            JsonLine.Format([("op", "onnx-int8"), .. shape, ("ratio_ort_float_over_recurrent_int8", Math.Round(ms[1] / ms[0], 3)),
                ("ratio_ort_int8_over_recurrent_int8", Math.Round(ms[2] / ms[0], 3)), ("max_abs_diff_ours_vs_ort_int8", oursVsOrt),
                ("max_abs_diff_ours_int8_vs_float", oursVsFloat), ("max_abs_diff_ort_int8_vs_float", ortVsFloat)]),
        ];
    }
}
