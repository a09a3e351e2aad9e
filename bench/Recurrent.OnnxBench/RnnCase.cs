using Recurrent.Autodiff;
using Recurrent.Cells;
using Recurrent.Cli.Bench;
using Recurrent.Layers;
using Recurrent.Onnx.Export;
using Recurrent.Tensors;

namespace Recurrent.OnnxBench;

/// <summary>
/// A recurrent layer's inference, <c>(B, T, I) → (B, T, H)</c> from a zero state: Recurrent's fused forward in
/// evaluation mode against ONNX Runtime running the layer's export (<c>x</c> → <c>y</c>, <c>hn</c> [<c>cn</c>]), the
/// same weights and input.
/// </summary>
internal static class RnnCase
{
    public static IEnumerable<string> Run(BenchOptions options)
    {
        string cell = options.Text("--cell") ?? "lstm";
        var (kind, phi) = cell switch
        {
            "lstm" => (CellKind.Lstm, Activation.Tanh),
            "gru" => (CellKind.Gru, Activation.Tanh),
            "gru-cudnn" => (CellKind.CudnnGru, Activation.Tanh),
            "elman" => (CellKind.Elman, Activation.Tanh),
            "elman-relu" => (CellKind.Elman, Activation.Relu),
            _ => throw new ArgumentException($"--cell is '{cell}'; expected lstm, gru, gru-cudnn, elman or elman-relu."),
        };
        int b = options.Int("--batch", 64), t = options.Int("--steps", 100), i = options.Int("--input", 256), h = options.Int("--hidden", 512);
        int layers = options.Int("--layers", 1), threads = options.Threads;
        Threads.DefaultMaxThreads = threads;

        var rng = new Rng(1234);
        var layer = new RecurrentLayer<float>(i, new RecurrentSpec { Cell = kind, HiddenSize = h, Layers = layers, Nonlinearity = phi }, rng);
        layer.Eval();
        layer.RequiresGrad(false);
        var x = Tensor.Uniform<float>(rng, -1, 1, b, t, i);
        var input = new Variable<float>(x);
        var tape = new Tape<float>();
        Tensor<float> ours = default!;
        void Recurrent()
        {
            tape.Reset();
            ours = layer.Forward(tape, input).Output.Value;
        }

        byte[] graph = OnnxExporter.Export(layer, new OnnxExportOptions { VariableLengths = false, InitialStates = false })["model"].ToBytes();
        int states = layer.Directions * layers;
        var y = new float[b * t * h];
        var outputs = new List<(string, Microsoft.ML.OnnxRuntime.OrtValue)> { ("y", OrtGraph.Floats(y, b, t, h)), ("hn", OrtGraph.Floats(new float[states * b * h], states, b, h)) };
        if (kind == CellKind.Lstm) outputs.Add(("cn", OrtGraph.Floats(new float[states * b * h], states, b, h)));
        using var ort = new OrtGraph(graph, threads, [("x", OrtGraph.Floats(x.ToArray(), b, t, i))], [.. outputs]);

        // Alternately, so that a change in the machine's load reaches both.
        double recurrentMs = Timing.MedianMs(Recurrent, warmup: 3, minRunSeconds: 0.4);
        double ortMs = Timing.MedianMs(ort.Run, warmup: 3, minRunSeconds: 0.4);
        double recurrentMs2 = Timing.MedianMs(Recurrent, warmup: 1, minRunSeconds: 0.4);
        double ortMs2 = Timing.MedianMs(ort.Run, warmup: 1, minRunSeconds: 0.4);
        Recurrent();
        ort.Run();
        double diff = Report.MaxAbsDifference(ours.Span, y);
        return Report.Lines(options, [("case", "rnn"), ("cell", cell), ("B", b), ("T", t), ("I", i), ("H", h), ("layers", layers)],
            Math.Min(recurrentMs, recurrentMs2), Math.Min(ortMs, ortMs2), diff);
    }
}
