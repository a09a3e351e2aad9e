using System.Text.Json;
using Recurrent.Autodiff;
using Recurrent.Layers;
using Recurrent.Models;
using Recurrent.Onnx;
using Recurrent.Onnx.Import;
using Recurrent.Tensors;
using Recurrent.Tests.Oracles;
using Xunit.Abstractions;

namespace Recurrent.Tests.Onnx.Import;

/// <summary>
/// Further real torch.onnx.export graphs (Fixtures/PyTorch/exports/make_exports.py, torch 1.13): weights sliced and concatenated by
/// torch without constant folding, initial states as graph inputs, opsets 9 and 11, classifiers on h_n[-1] and on
/// cat([h_n[-2], h_n[-1]], 1). Each imports and matches torch's outputs and ONNX Runtime within 1e-5.
/// </summary>
public class TorchExportTests(ITestOutputHelper log)
{
    private static string Folder => Path.Combine(AppContext.BaseDirectory, "Fixtures", "PyTorch", "exports");

    [Theory]
    [InlineData("lstm_states_nofold", "RecurrentLayer")]
    [InlineData("rnn_opset9", "RecurrentLayer")]
    [InlineData("gru_hn_nofold", "Sequential")]
    [InlineData("lstm_cat_hn", "Sequential")]
    public void ExportMatchesTorchAndOnnxRuntime(string name, string kind)
    {
        var json = JsonDocument.Parse(File.ReadAllText(Path.Combine(Folder, name + ".json"))).RootElement;
        string path = Path.Combine(Folder, name + ".onnx");
        var model = OnnxImporter.Import(path);
        Assert.StartsWith(kind, model.GetType().Name, StringComparison.Ordinal);
        var ortInputs = new Dictionary<string, OrtTensor>();
        foreach (var input in new[] { "x", "h0", "c0", "ids" }.Where(n => json.TryGetProperty(n, out _)))
        {
            var (values, shape) = Tensor(json, input);
            ortInputs[input] = new OrtTensor(input == "ids" ? values.Select(v => (long)v).ToArray() : values, shape.Select(d => (long)d).ToArray());
        }
        var ort = OrtRunner.Run(File.ReadAllBytes(path), ortInputs);

        var ours = new Dictionary<string, Tensor<float>>();
        if (model is RecurrentLayer<float> layer)
        {
            var states = json.TryGetProperty("h0", out _) ? new[] { "h0", "c0" }.Select(n => new Variable<float>(Create(Tensor(json, n)))).ToList() : null;
            var result = layer.Forward(new Tape<float>(), new Variable<float>(Create(Tensor(json, "x"))), states);
            ours["output"] = result.Output.Value;
            ours["h_n"] = result.FinalState[0].Value;
            if (result.FinalState.Length > 1) ours["c_n"] = result.FinalState[1].Value;
        }
        else
        {
            var sequential = Assert.IsType<Sequential<float>>(model);
            Assert.Equal(SequencePooling.LastStep, sequential.Config.Pooling);
            Tensor<float> x;
            if (json.TryGetProperty("ids", out _))
            {
                var (ids, shape) = Tensor(json, "ids");
                x = new Tensor<float>(ids, shape[0], shape[1], 1); // token ids as numbers (B, T, 1)
            }
            else x = Create(Tensor(json, "x"));
            ours["logits"] = sequential.Forward(new Tape<float>(), new Variable<float>(x)).Value;
        }
        foreach (var (output, actual) in ours)
        {
            var (torch, shape) = Tensor(json, output);
            ImportAssert.Close($"{name} {output} vs torch", torch, shape.Select(d => (long)d), actual, log);
            ImportAssert.Close($"{name} {output} vs ONNX Runtime", ort[output].Floats, ort[output].Shape, actual, log);
        }
    }

    private static (float[] Values, int[] Shape) Tensor(JsonElement json, string name)
    {
        var t = json.GetProperty(name);
        return (t.GetProperty("values").EnumerateArray().Select(v => (float)v.GetDouble()).ToArray(), t.GetProperty("shape").EnumerateArray().Select(v => v.GetInt32()).ToArray());
    }

    private static Tensor<float> Create((float[] Values, int[] Shape) t) => new(t.Values, t.Shape);
}
