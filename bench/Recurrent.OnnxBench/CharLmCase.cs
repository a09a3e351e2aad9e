using Recurrent.Autodiff;
using Recurrent.Cells;
using Recurrent.Cli.Bench;
using Recurrent.Layers;
using Recurrent.Models;
using Recurrent.Onnx.Export;
using Recurrent.Tensors;

namespace Recurrent.OnnxBench;

/// <summary>
/// The char-LM's inference two ways, Recurrent against ONNX Runtime running the model's export (<c>ids</c>, <c>h0</c>,
/// <c>c0</c> → <c>logits</c>, <c>hn</c>, <c>cn</c>): scoring <c>--batch</c> windows of <c>--window</c> characters, and
/// streaming one character at a time with the state carried (what sampling does; Recurrent's path is the sampler's
/// <c>Embedding.Lookup</c>, <c>RecurrentLayer.Step</c>, <c>Linear.Apply</c>). The model is <c>--model FILE</c> or, by
/// default, the main job's shape with fresh weights: V 65, E 64, LSTM 256 × 2.
/// </summary>
internal static class CharLmCase
{
    public static IEnumerable<string> Run(BenchOptions options)
    {
        int threads = options.Threads, b = options.Int("--batch", 32), t = options.Int("--window", 128);
        Threads.DefaultMaxThreads = threads;
        var model = options.Text("--model") is { } path
            ? Model.Load<CharLanguageModel<float>>(path)
            : new CharLanguageModel<float>(new CharModelConfig(65, 64, new RecurrentSpec { Cell = CellKind.Lstm, HiddenSize = 256, Layers = 2 }), new Rng(1234));
        model.Eval();
        model.RequiresGrad(false);
        byte[] graph = OnnxExporter.Export(model)["model"].ToBytes();
        var shape = model.Config;
        string cell = shape.Rnn.Cell.ToString().ToLowerInvariant();
        (string, object)[] describe(string mode, int batch, int steps) =>
            [("case", "charlm"), ("mode", mode), ("cell", cell), ("V", shape.VocabularySize), ("E", shape.EmbeddingSize), ("H", shape.Rnn.HiddenSize), ("layers", shape.Rnn.Layers), ("B", batch), ("T", steps)];
        var lines = new List<string>();
        lines.AddRange(Windows(model, graph, b, t, threads, options, describe("windows", b, t)));
        lines.AddRange(Stream(model, graph, threads, options, describe("stream", 1, 1)));
        return lines;
    }

    private static IEnumerable<string> Windows(CharLanguageModel<float> model, byte[] graph, int b, int t, int threads, BenchOptions options, (string, object)[] shape)
    {
        var rng = new Rng(7);
        int v = model.Config.VocabularySize;
        var ids = new int[b * t];
        for (int k = 0; k < ids.Length; k++) ids[k] = (int)(rng.NextUInt64() % (ulong)v);
        var tape = new Tape<float>();
        Tensor<float> ours = default!;
        void Recurrent()
        {
            tape.Reset();
            ours = model.Forward(tape, ids, b).Logits.Value;
        }
        var logits = new float[b * t * v];
        using var ort = new OrtGraph(graph, threads, StateInputs(model, ids.Select(i => (long)i).ToArray(), b, t),
            StateOutputs(model, OrtGraph.Floats(logits, b, t, v), b));
        double recurrentMs = Math.Min(Timing.MedianMs(Recurrent, 3, 1.0), Timing.MedianMs(Recurrent, 1, 1.0));
        double ortMs = Math.Min(Timing.MedianMs(ort.Run, 3, 1.0), Timing.MedianMs(ort.Run, 1, 1.0));
        Recurrent();
        ort.Run();
        return Report.Lines(options, shape, recurrentMs, ortMs, Report.MaxAbsDifference(ours.Span, logits));
    }

    private static IEnumerable<string> Stream(CharLanguageModel<float> model, byte[] graph, int threads, BenchOptions options, (string, object)[] shape)
    {
        int v = model.Config.VocabularySize;
        // Recurrent: the sampler's step, the state held here.
        var state = model.Rnn.CreateState(1);
        var embedded = new float[model.Config.EmbeddingSize];
        var hidden = new float[model.Config.Rnn.HiddenSize];
        var ours = new float[v];
        int next = 0;
        void Recurrent()
        {
            model.Embedding.Lookup(next, embedded);
            model.Rnn.Step(embedded, state, hidden);
            model.Decoder.Apply(hidden, ours);
            next = (next + 1) % v;
        }
        // ONNX Runtime: the same step, its final state copied back into its initial state for the next character.
        var id = new long[1];
        var logits = new float[v];
        var inputs = StateInputs(model, id, 1, 1);
        var outputs = StateOutputs(model, OrtGraph.Floats(logits, 1, 1, v), 1);
        using var ort = new OrtGraph(graph, threads, inputs, outputs);
        void Onnx()
        {
            ort.Run();
            for (int k = 1; k < outputs.Length; k++) outputs[k].Item2.GetTensorDataAsSpan<float>().CopyTo(inputs[k].Item2.GetTensorMutableDataAsSpan<float>());
            id[0] = (id[0] + 1) % v;
        }
        double recurrentMs = Math.Min(Timing.MedianMs(Recurrent, 3, 1.0), Timing.MedianMs(Recurrent, 1, 1.0));
        double ortMs = Math.Min(Timing.MedianMs(Onnx, 3, 1.0), Timing.MedianMs(Onnx, 1, 1.0));
        // The same stream from a zero state on both sides, to compare the numbers: 50 characters.
        foreach (var s in state.Tensors) s.Clear();
        for (int k = 1; k < inputs.Length; k++) inputs[k].Item2.GetTensorMutableDataAsSpan<float>().Clear();
        next = 0;
        id[0] = 0;
        double diff = 0;
        for (int c = 0; c < 50; c++)
        {
            Recurrent();
            Onnx();
            diff = Math.Max(diff, Report.MaxAbsDifference(ours, logits));
        }
        return Report.Lines(options, shape, recurrentMs, ortMs, diff);
    }

    private static (string, Microsoft.ML.OnnxRuntime.OrtValue)[] StateInputs(CharLanguageModel<float> model, long[] ids, int b, int t)
    {
        int l = model.Config.Rnn.Layers, h = model.Config.Rnn.HiddenSize;
        var inputs = new List<(string, Microsoft.ML.OnnxRuntime.OrtValue)> { ("ids", OrtGraph.Longs(ids, b, t)), ("h0", OrtGraph.Floats(new float[l * b * h], l, b, h)) };
        if (model.Config.Rnn.Cell == CellKind.Lstm) inputs.Add(("c0", OrtGraph.Floats(new float[l * b * h], l, b, h)));
        return [.. inputs];
    }

    private static (string, Microsoft.ML.OnnxRuntime.OrtValue)[] StateOutputs(CharLanguageModel<float> model, Microsoft.ML.OnnxRuntime.OrtValue logits, int b)
    {
        int l = model.Config.Rnn.Layers, h = model.Config.Rnn.HiddenSize;
        var outputs = new List<(string, Microsoft.ML.OnnxRuntime.OrtValue)> { ("logits", logits), ("hn", OrtGraph.Floats(new float[l * b * h], l, b, h)) };
        if (model.Config.Rnn.Cell == CellKind.Lstm) outputs.Add(("cn", OrtGraph.Floats(new float[l * b * h], l, b, h)));
        return [.. outputs];
    }
}
