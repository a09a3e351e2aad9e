using System.CommandLine;
using Recurrent.Autodiff;
using Recurrent.Cells;
using Recurrent.Cli.Bench;
using Recurrent.Layers;
using Recurrent.Tensors;
using Spectre.Console;

namespace Recurrent.Cli.Commands;

/// <summary>
/// <c>recurrent bench rnn</c>: median milliseconds of a recurrent layer's training step (forward and backward of
/// <c>sum(output ⊙ R)</c>, gradients zeroed first) or inference, as <c>../shared/peers</c> measures libtorch and ONNX Runtime.
/// </summary>
internal static class BenchRnnCommand
{
    public static readonly string[] Cells = ["lstm", "gru", "gru-cudnn", "elman", "elman-relu"];

    public static Command Create()
    {
        var cell = new Option<string>("--cell") { Description = "lstm, gru (lecture form), gru-cudnn (PyTorch form), elman (tanh) or elman-relu.", Required = true };
        cell.AcceptOnlyFromAmong(Cells);
        var batch = new Option<int>("--batch") { Description = "Sequences per batch, B.", Required = true };
        var steps = new Option<int>("--steps") { Description = "Steps per sequence, T.", Required = true };
        var input = new Option<int>("--input") { Description = "Input features, I.", Required = true };
        var hidden = new Option<int>("--hidden") { Description = "Hidden units, H.", Required = true };
        var layers = new Option<int>("--layers") { Description = "Stacked layers.", DefaultValueFactory = _ => 1 };
        var mode = new Option<string>("--mode") { Description = "train (forward + backward) or infer.", Required = true };
        mode.AcceptOnlyFromAmong("train", "infer");
        var int8 = new Option<bool>("--int8") { Description = "--mode infer: time the int8 copy of the layer (Quantize(); LSTM only). GFLOP/s counts the same operations as float32." };
        var reference = new Option<bool>("--reference") { Description = "Time the reference path (each step recorded from the cell's equations) instead of the fused kernels." };
        var threads = CommonOptions.Threads();
        var json = CommonOptions.Json();
        var command = new Command("rnn", "Median ms per training step or inference call of a recurrent layer (float32).")
        {
            cell, batch, steps, input, hidden, layers, mode, reference, int8, threads, json,
        };
        command.SetAction(parse => CliErrors.Run(parse, () =>
        {
            int t = CommonOptions.ApplyThreads(parse.GetValue(threads));
            string cellName = parse.GetValue(cell)!;
            int b = Limits.Size(parse.GetValue(batch), Limits.Batch, "--batch"), s = Limits.Size(parse.GetValue(steps), Limits.Window, "--steps");
            int i = Limits.Size(parse.GetValue(input), Limits.Input, "--input"), h = Limits.Size(parse.GetValue(hidden), Limits.Hidden, "--hidden");
            int l = Limits.Size(parse.GetValue(layers), Limits.Layers, "--layers");
            bool train = parse.GetValue(mode) == "train";
            bool quantized = parse.GetValue(int8);
            if (quantized && train) throw new UsageException("--int8 times inference only; use --mode infer (an int8 layer cannot train).");
            if (quantized && parse.GetValue(reference)) throw new UsageException("--int8 and --reference exclude each other: the int8 layer has one path.");
            var kind = cellName switch { "lstm" => CellKind.Lstm, "gru" => CellKind.Gru, "gru-cudnn" => CellKind.CudnnGru, _ => CellKind.Elman };
            double parameters = Limits.RecurrentParameters(kind, i, h, l);
            Limits.Memory(Limits.TrainingBytes(parameters, kind, b, s, i, h, l, 0) + 4.0 * b * s * h,
                $"A {cellName} layer of --input {i}, --hidden {h}, --layers {l} on --batch {b} × --steps {s}");
            var bench = new RnnBenchmark(cellName, b, s, i, h, l, train, !parse.GetValue(reference), quantized);
            double ms = Timing.MedianMs(bench.Call, warmup: 3, minRunSeconds: 0.4);
            long allocated = bench.AllocatedBytesPerCall();
            double gflops = Flops.Recurrent(kind, b, s, i, h, l, train) / (ms * 1e6);
            double? fraction = MachinePeak.Fraction(gflops, t);
            if (parse.GetValue(json))
            {
                Console.WriteLine(JsonLine.Format([("op", "rnn"), ("impl", "recurrent"), ("cell", cellName), ("B", b), ("T", s), ("I", i), ("H", h),
                    ("layers", l), ("mode", train ? "train" : "infer"), ("threads", t), .. (quantized ? [("int8", (object)true)] : Array.Empty<(string, object)>()), ("median_ms", Math.Round(ms, 4)), .. BenchFields.Speed(gflops, fraction), ("alloc_bytes", allocated)]));
            }
            else
            {
                AnsiConsole.MarkupLine($"[bold]{cellName}[/] B={b} T={s} I={i} H={h} layers={l} {(train ? "train" : "infer")}, {t} thread(s), {(quantized ? $"int8 ({Recurrent.Models.ModelQuantization.KernelName})" : parse.GetValue(reference) ? "reference" : "fused")} path");
                AnsiConsole.MarkupLine($"median {ms:F4} ms per call (of {Timing.Runs} runs), {gflops:F1} GFLOP/s ({BenchFields.Percent(fraction)} of peak), {allocated} bytes allocated per call once warm");
                AnsiConsole.MarkupLine(Markup.Escape($"GFLOP/s counts the gate products only ({Flops.Gates(kind)}H gates, ×3 for training); {BenchFields.PeakNote(t)}"));
            }
            return 0;
        }));
        return command;
    }

    /// <summary>One layer, one fixed input and loss weight R, and the call being timed.</summary>
    private sealed class RnnBenchmark
    {
        private readonly RecurrentLayer<float> _layer;
        private readonly Variable<float> _x;
        private readonly Tensor<float> _r;
        private readonly Tape<float> _tape = new();
        private readonly bool _train;

        public RnnBenchmark(string cell, int batch, int steps, int input, int hidden, int layers, bool train, bool fused, bool int8)
        {
            var (kind, phi) = cell switch
            {
                "lstm" => (CellKind.Lstm, Activation.Tanh),
                "gru" => (CellKind.Gru, Activation.Tanh),
                "gru-cudnn" => (CellKind.CudnnGru, Activation.Tanh),
                "elman" => (CellKind.Elman, Activation.Tanh),
                _ => (CellKind.Elman, Activation.Relu),
            };
            var rng = new Rng(1234);
            var spec = new RecurrentSpec { Cell = kind, HiddenSize = hidden, Layers = layers, Nonlinearity = phi };
            _layer = new RecurrentLayer<float>(input, spec, rng) { UseFusedKernels = fused };
            _layer.RequiresGrad(train);
            if (int8) _layer = CommonOptions.Quantized(_layer, true);
            _x = new Variable<float>(Tensor.Uniform<float>(rng, -1, 1, batch, steps, input));
            _r = Tensor.Normal<float>(rng, 0, 1, batch, steps, hidden);
            _train = train;
        }

        public void Call()
        {
            _tape.Reset();
            if (_train) _layer.ZeroGrad();
            var result = _layer.Forward(_tape, _x);
            if (_train) _tape.Backward((result.Output, _r));
        }

        public long AllocatedBytesPerCall()
        {
            Call();
            long before = GC.GetAllocatedBytesForCurrentThread();
            const int calls = 3;
            for (int c = 0; c < calls; c++) Call();
            return (GC.GetAllocatedBytesForCurrentThread() - before) / calls;
        }
    }
}
