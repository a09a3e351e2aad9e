using Google.Protobuf;
using Microsoft.ML.OnnxRuntime;
using Recurrent.Autodiff;
using Recurrent.Layers;
using Recurrent.Models;
using Recurrent.Onnx;
using Recurrent.Onnx.Import;
using Recurrent.Onnx.Proto;
using Recurrent.Tensors;
using Recurrent.Tests.PyTorch;
using Xunit.Abstractions;

namespace Recurrent.Tests.Onnx.Import;

/// <summary>
/// Seeded mutations of the real torch.onnx.export fixtures, at the protobuf level (dimensions, element types, data,
/// attributes, node inputs and operators set to boundary values) and at the byte level (flips, truncation): the
/// importer either imports the model or refuses it with its one-line <see cref="InvalidDataException"/> or
/// <see cref="NotSupportedException"/>, never with another exception; and a mutated model it imports computes what ONNX
/// Runtime computes from the same bytes (when ONNX Runtime runs them), so no mutation is silently misread.
/// </summary>
public class ImportFuzzTests(ITestOutputHelper log)
{
    private static readonly long[] Boundaries = [0, 1, -1, 2, 3, -2, 7, int.MaxValue, (long)int.MaxValue + 1, int.MinValue, long.MaxValue, long.MinValue, 1 << 20];

    private static readonly string[] Operators = ["LSTM", "GRU", "RNN", "Transpose", "Reshape", "Squeeze", "Unsqueeze", "Slice", "Concat", "Gather", "MatMul", "Gemm", "Add", "Softmax", "Identity", "Shape", "ConstantOfShape", "Expand", "Constant", "Cast", "Relu"];

    [Fact]
    public void MutatedModelsImportOrFailWithOneLine()
    {
        var seeds = new[] { "lstm_2l_bidir", "gru_2l", "rnn_relu_tm", "tagger_lstm", "classifier_gru", "features_lstm_bidir" }.Select(TorchFixture.Load).ToArray();
        var seedBytes = seeds.Select(f => File.ReadAllBytes(f.OnnxPath)).ToArray();
        var random = new Random(int.TryParse(Environment.GetEnvironmentVariable("IMPORT_FUZZ_SEED"), out int seed) ? seed : 2026);
        int imported = 0, refused = 0, compared = 0;
        var failures = new List<string>();
        for (int i = 0; i < (int.TryParse(Environment.GetEnvironmentVariable("IMPORT_FUZZ_COUNT"), out int count) ? count : 1500); i++)
        {
            int which = random.Next(seeds.Length);
            var (bytes, what) = random.Next(4) == 0 ? Bytes(seedBytes[which], random) : Structure(seedBytes[which], random);
            Module<float> model;
            try
            {
                model = OnnxImporter.Import(bytes, "fuzz.onnx");
                imported++;
            }
            catch (Exception e) when (e is InvalidDataException or NotSupportedException)
            {
                if (e.Message.Contains('\n') || !e.Message.StartsWith("fuzz.onnx: ", StringComparison.Ordinal)) failures.Add($"mutation {i} ({what}): not one line naming the file: {e.Message}");
                refused++;
                continue;
            }
            catch (Exception e)
            {
                failures.Add($"mutation {i} ({what}) threw {e.GetType().Name}: {e.Message} {e.StackTrace?.Split('\n').FirstOrDefault()?.Trim()}");
                continue;
            }
            // A mutated model the importer accepts must still compute what ONNX Runtime computes from it.
            if (Differs(bytes, model, seeds[which], out bool ran) is { } difference)
            {
                failures.Add($"mutation {i} ({what}) imported, but {difference}");
            }
            else if (ran) compared++;
        }
        log.WriteLine($"{imported} imported ({compared} run by ONNX Runtime too and agreeing with it), {refused} refused with one line");
        Assert.True(failures.Count == 0, string.Join("\n", failures.Take(30)));
    }

    /// <summary>
    /// Where the imported model and ONNX Runtime disagree on the fixture's input, or null; also null when ONNX Runtime
    /// refuses the model, or a weight is NaN or infinite (ONNX Runtime's clamped activations turn a NaN into a number).
    /// </summary>
    private static string? Differs(byte[] bytes, Module<float> model, TorchFixture fixture, out bool ran)
    {
        ran = false;
        if (model.NamedParameters().Any(p => !AllFinite(p.Parameter.Value.Span))) return null;
        Dictionary<string, OrtTensor> expected;
        bool ids = fixture.Has("inputs", "ids");
        var (input, shape) = fixture.Flat("inputs", ids ? "ids" : "x");
        try
        {
            var ortInput = ids ? new OrtTensor(input.Select(v => (long)v).ToArray(), shape.Select(d => (long)d).ToArray()) : new OrtTensor(input, shape.Select(d => (long)d).ToArray());
            expected = OrtRunner.Run(bytes, new Dictionary<string, OrtTensor> { [ids ? "ids" : "x"] = ortInput });
        }
        catch (OnnxRuntimeException)
        {
            return null;
        }
        ran = true;
        var ours = new Dictionary<string, Tensor<float>>();
        try
        {
            if (model is RecurrentLayer<float> layer)
            {
                var result = layer.Forward(new Tape<float>(), new Variable<float>(new Tensor<float>(input, shape)));
                ours["output"] = result.Output.Value;
                for (int s = 0; s < result.FinalState.Length; s++) ours[s == 0 ? "h_n" : "c_n"] = result.FinalState[s].Value;
            }
            else
            {
                var x = ids ? new Tensor<float>(input, shape[0], shape[1], 1) : new Tensor<float>(input, shape);
                ours["logits"] = ((Sequential<float>)model).Forward(new Tape<float>(), new Variable<float>(x)).Value;
            }
        }
        catch (ArgumentException e)
        {
            return $"the imported model refuses the fixture's input that ONNX Runtime takes: {e.Message}";
        }
        foreach (var (name, ort) in expected)
        {
            if (!ours.TryGetValue(name, out var actual)) continue;
            if (!ort.Shape.Select(d => (int)d).SequenceEqual(actual.Shape.ToArray())) return $"{name} has shape {Tensor<float>.ShapeText(actual.Shape)}, ONNX Runtime's {string.Join("×", ort.Shape)}";
            var a = actual.Span;
            for (int k = 0; k < a.Length; k++)
            {
                if (!(Math.Abs(a[k] - ort.Floats[k]) <= ImportAssert.Tolerance * Math.Max(1, Math.Abs(ort.Floats[k]))) && !(float.IsNaN(a[k]) && float.IsNaN(ort.Floats[k])))
                {
                    return $"{name}[{k}] = {a[k]}, ONNX Runtime's {ort.Floats[k]}";
                }
            }
        }
        return null;
    }

    private static bool AllFinite(ReadOnlySpan<float> values)
    {
        foreach (float v in values)
        {
            if (!float.IsFinite(v)) return false;
        }
        return true;
    }

    private static (byte[], string) Bytes(byte[] bytes, Random random)
    {
        bytes = (byte[])bytes.Clone();
        if (random.Next(3) == 0) return (bytes[..random.Next(bytes.Length)], "truncated");
        int flips = 1 + random.Next(4);
        for (int f = 0; f < flips; f++) bytes[random.Next(bytes.Length)] ^= (byte)(1 << random.Next(8));
        return (bytes, $"{flips} bit flips");
    }

    private static (byte[], string) Structure(byte[] bytes, Random random)
    {
        var model = ModelProto.Parser.ParseFrom(bytes);
        var graph = model.Graph;
        long boundary = Boundaries[random.Next(Boundaries.Length)];
        string what;
        switch (random.Next(9))
        {
            case 0:
                var t = graph.Initializer[random.Next(graph.Initializer.Count)];
                if (t.Dims.Count > 0) t.Dims[random.Next(t.Dims.Count)] = boundary;
                what = $"initializer {t.Name} dim {boundary}";
                break;
            case 1:
                t = graph.Initializer[random.Next(graph.Initializer.Count)];
                t.DataType = (int)boundary is var type and >= 0 and < 30 ? type : 16;
                what = $"initializer {t.Name} type {t.DataType}";
                break;
            case 2:
                t = graph.Initializer[random.Next(graph.Initializer.Count)];
                t.RawData = t.RawData.Length > 0 ? ByteString.CopyFrom(t.RawData.Span[..random.Next(t.RawData.Length)]) : t.RawData;
                what = $"initializer {t.Name} data cut";
                break;
            case 3:
                var node = graph.Node[random.Next(graph.Node.Count)];
                if (node.Attribute.Count == 0) goto case 4;
                var a = node.Attribute[random.Next(node.Attribute.Count)];
                if (a.Ints.Count > 0) a.Ints[random.Next(a.Ints.Count)] = boundary;
                else a.I = boundary;
                what = $"node {node.Name} attribute {a.Name} = {boundary}";
                break;
            case 4:
                node = graph.Node[random.Next(graph.Node.Count)];
                if (node.Input.Count > 0) node.Input.RemoveAt(random.Next(node.Input.Count));
                what = $"node {node.Name} input removed";
                break;
            case 5:
                node = graph.Node[random.Next(graph.Node.Count)];
                var other = graph.Node[random.Next(graph.Node.Count)];
                if (node.Input.Count > 0 && other.Output.Count > 0) node.Input[random.Next(node.Input.Count)] = other.Output[0];
                what = $"node {node.Name} reads {other.Name}";
                break;
            case 6:
                node = graph.Node[random.Next(graph.Node.Count)];
                node.OpType = Operators[random.Next(Operators.Length)];
                what = $"node {node.Name} becomes {node.OpType}";
                break;
            case 7:
                node = graph.Node[random.Next(graph.Node.Count)];
                if (node.OpType != "Constant") goto case 3;
                var value = node.Attribute[0].T;
                if (value.Dims.Count > 0) value.Dims[0] = boundary;
                else value.Int64Data.Add(boundary);
                what = $"constant {node.Name} {boundary}";
                break;
            default:
                int from = random.Next(graph.Node.Count), to = random.Next(graph.Node.Count);
                var moved = graph.Node[from];
                graph.Node.RemoveAt(from);
                graph.Node.Insert(to, moved);
                what = $"node {moved.Name} moved to {to}";
                break;
        }
        return (model.ToByteArray(), what);
    }
}
