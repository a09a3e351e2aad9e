using Recurrent.Autodiff;
using Recurrent.Cells;
using Recurrent.Layers;
using Recurrent.Models;
using Recurrent.Onnx;
using Recurrent.Onnx.Import;
using Recurrent.Serialization;
using Recurrent.Tensors;
using Recurrent.Tests.PyTorch;
using Recurrent.Tests.Serialization;
using Xunit.Abstractions;

namespace Recurrent.Tests.Onnx.Import;

/// <summary>
/// The real torch.onnx.export graphs of Fixtures/PyTorch: each imports, and the imported model reproduces both torch's
/// own outputs (in NAME.json) and ONNX Runtime running the same file, within 1e-5. Modules give output, h_n and c_n
/// over the full length, and (a further check) torch's packed-sequence run when given the lengths; models give logits.
/// </summary>
public class TorchFixtureTests(ITestOutputHelper log)
{
    [Theory]
    [InlineData("lstm_2l_bidir")]
    [InlineData("gru_2l")]
    [InlineData("rnn_tanh_bidir")]
    [InlineData("rnn_relu_tm")]
    [InlineData("lstm_tm")]
    public void ModuleMatchesTorchAndOnnxRuntime(string name)
    {
        var fixture = TorchFixture.Load(name);
        var layer = Assert.IsType<RecurrentLayer<float>>(OnnxImporter.Import(fixture.OnnxPath));
        var module = fixture.Get("module");
        var expectedCell = module.GetProperty("type").GetString() switch { "LSTM" => CellKind.Lstm, "GRU" => CellKind.CudnnGru, _ => CellKind.Elman };
        Assert.Equal(expectedCell, layer.Kind);
        Assert.Equal(module.GetProperty("hidden_size").GetInt32(), layer.HiddenSize);
        Assert.Equal(module.GetProperty("input_size").GetInt32(), layer.InputSize);
        Assert.Equal(module.GetProperty("num_layers").GetInt32(), layer.Spec.Layers);
        Assert.Equal(module.GetProperty("bidirectional").GetBoolean(), layer.Spec.Bidirectional);
        Assert.Equal(module.GetProperty("batch_first").GetBoolean(), layer.Spec.BatchFirst);
        if (fixture.Has("module", "nonlinearity")) Assert.Equal(module.GetProperty("nonlinearity").GetString() == "relu" ? Activation.Relu : Activation.Tanh, layer.Spec.Nonlinearity);

        var (x, shape) = fixture.Flat("inputs", "x");
        var ours = layer.Forward(new Tape<float>(), new Variable<float>(new Tensor<float>(x, shape)));
        var ort = OrtRunner.Run(File.ReadAllBytes(fixture.OnnxPath), new Dictionary<string, OrtTensor> { ["x"] = new(x, shape.Select(d => (long)d).ToArray()) });
        var names = layer.Kind == CellKind.Lstm ? new[] { "output", "h_n", "c_n" } : ["output", "h_n"];
        for (int i = 0; i < names.Length; i++)
        {
            var actual = i == 0 ? ours.Output.Value : ours.FinalState[i - 1].Value;
            var (torch, torchShape) = fixture.Flat("outputs", names[i]);
            ImportAssert.Close($"{name} {names[i]} vs torch", torch, torchShape.Select(d => (long)d), actual, log);
            ImportAssert.Close($"{name} {names[i]} vs ONNX Runtime", ort[names[i]].Floats, ort[names[i]].Shape, actual, log);
        }

        // torch's pack_padded_sequence run: the imported layer with the lengths.
        var (lengths, _) = fixture.Flat("inputs", "lengths");
        var packed = layer.Forward(new Tape<float>(), new Variable<float>(new Tensor<float>(x, shape)), null, lengths.Select(v => (int)v).ToArray());
        for (int i = 0; i < names.Length; i++)
        {
            var (torch, torchShape) = fixture.Flat("packed_outputs", names[i]);
            ImportAssert.Close($"{name} packed {names[i]} vs torch", torch, torchShape.Select(d => (long)d), i == 0 ? packed.Output.Value : packed.FinalState[i - 1].Value, log);
        }
    }

    [Theory]
    [InlineData("tagger_lstm", SequencePooling.AllSteps, 8)]
    [InlineData("classifier_gru", SequencePooling.LastStep, 6)]
    [InlineData("features_lstm_bidir", SequencePooling.AllSteps, 0)]
    public void ModelMatchesTorchAndOnnxRuntime(string name, SequencePooling pooling, int embedding)
    {
        var fixture = TorchFixture.Load(name);
        var model = Assert.IsType<Sequential<float>>(OnnxImporter.Import(fixture.OnnxPath));
        Assert.Equal((pooling, embedding), (model.Config.Pooling, model.Config.EmbeddingSize));
        model.Eval();

        var (input, ortInput, x) = Inputs(fixture);
        var logits = model.Forward(new Tape<float>(), new Variable<float>(x)).Value;
        var (torch, torchShape) = fixture.Flat("logits");
        ImportAssert.Close($"{name} logits vs torch", torch, torchShape.Select(d => (long)d), logits, log);
        var ort = OrtRunner.Run(File.ReadAllBytes(fixture.OnnxPath), new Dictionary<string, OrtTensor> { [input] = ortInput });
        ImportAssert.Close($"{name} logits vs ONNX Runtime", ort["logits"].Floats, ort["logits"].Shape, logits, log);
    }

    [Theory]
    [InlineData("tagger_lstm")]
    [InlineData("classifier_gru")]
    [InlineData("features_lstm_bidir")]
    public void ImportedModelSavesAndReloads(string name)
    {
        var fixture = TorchFixture.Load(name);
        var model = Assert.IsType<Sequential<float>>(OnnxImporter.Import(fixture.OnnxPath));
        using var folder = new TemporaryFolder();
        string path = folder.File(name + ".model");
        model.Save(path);
        var loaded = Assert.IsType<Sequential<float>>(Model.Load(path));
        Assert.Equal(model.Config.Pooling, loaded.Config.Pooling);
        Assert.Equal(model.Config.Recurrent, loaded.Config.Recurrent);

        var (_, _, x) = Inputs(fixture);
        model.Eval();
        loaded.Eval();
        var before = model.Forward(new Tape<float>(), new Variable<float>(x)).Value.Span.ToArray();
        var after = loaded.Forward(new Tape<float>(), new Variable<float>(x)).Value.Span.ToArray();
        Assert.Equal(before, after);
        var (torch, torchShape) = fixture.Flat("logits");
        ImportAssert.Close($"{name} reloaded logits vs torch", torch, torchShape.Select(d => (long)d), loaded.Forward(new Tape<float>(), new Variable<float>(x)).Value, log);
    }

    /// <summary>The fixture's input for ONNX Runtime (ids as int64, or x) and for a Sequential (ids as numbers (B, T, 1)).</summary>
    private static (string Name, OrtTensor Ort, Tensor<float> Ours) Inputs(TorchFixture fixture)
    {
        if (fixture.Has("inputs", "ids"))
        {
            var (ids, shape) = fixture.Flat("inputs", "ids");
            return ("ids", new OrtTensor(ids.Select(v => (long)v).ToArray(), [shape[0], shape[1]]), new Tensor<float>(ids, shape[0], shape[1], 1));
        }
        var (x, xShape) = fixture.Flat("inputs", "x");
        return ("x", new OrtTensor(x, xShape.Select(d => (long)d).ToArray()), new Tensor<float>(x, xShape));
    }
}
