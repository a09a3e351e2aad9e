using Recurrent.Layers;
using Recurrent.PyTorch;
using Recurrent.Serialization;
using Recurrent.Tensors;

namespace Recurrent.Tests.PyTorch;

/// <summary>
/// A state_dict that does not fit its architecture or model: each missing, unused or misshapen tensor, and each bad
/// architecture string, is one line naming the file, the tensor and both shapes.
/// </summary>
public sealed class PyTorchImporterErrorTests : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("recurrent-import-errors-").FullName;

    [Fact]
    public void A_misshapen_layer_tensor_names_both_shapes_and_the_module()
    {
        var fixture = TorchFixture.Load("lstm_2l_bidir");
        var weights = Edited("model", fixture, d => d["weight_hh_l1"] = new Tensor<float>(20, 4));
        var layer = PyTorchModuleTests.SameLayer(fixture);
        var before = layer.StateDict()["weight_ih_l0"].ToArray();
        var e = Assert.Throws<InvalidDataException>(() => PyTorchImporter.LoadInto(layer, weights));
        Assert.Equal("model.safetensors: 'weight_hh_l1' has shape (20, 4); expected (20, 5) (LSTM, bidirectional, 2 layers, I = 3, H = 5).", e.Message);
        Assert.Equal(before, layer.StateDict()["weight_ih_l0"].ToArray()); // nothing copied
    }

    [Fact]
    public void A_missing_head_bias_is_named()
    {
        var weights = Edited("features", TorchFixture.Load("features_lstm_bidir"), d => d.Remove("head.bias"));
        var e = Assert.Throws<InvalidDataException>(() => PyTorchImporter.ToSequential(weights, PyTorchArchitecture.Parse("rnn:LSTM, head:Linear")));
        Assert.Equal("features.safetensors: 'head.bias' is missing; expected shape (4) (Linear, 14 → 4).", e.Message);
    }

    [Fact]
    public void An_extra_layer_tensor_is_not_used_by_the_architecture()
    {
        var weights = Edited("features", TorchFixture.Load("features_lstm_bidir"), d => d["rnn.weight_ih_l2"] = new Tensor<float>(28, 14));
        var e = Assert.Throws<InvalidDataException>(() => PyTorchImporter.ToSequential(weights, PyTorchArchitecture.Parse("rnn:LSTM, head:Linear")));
        Assert.Equal("features.safetensors: 'rnn.weight_ih_l2' is not used by the architecture rnn:LSTM, head:Linear.", e.Message);
    }

    [Fact]
    public void A_module_the_architecture_names_but_the_file_lacks_is_named()
    {
        var weights = PyTorchStateDict.Read(TorchFixture.Load("tagger_lstm").PathOf("pt"));
        var e = Assert.Throws<InvalidDataException>(() => PyTorchImporter.ToSequential(weights, PyTorchArchitecture.Parse("emb:Embedding, lstm:LSTM, fc:Linear")));
        Assert.Equal("tagger_lstm.pt: 'lstm.weight_hh_l0' is missing (LSTM); the architecture names module 'lstm'.", e.Message);
    }

    [Fact]
    public void A_layer_from_a_different_input_size_names_the_tensor()
    {
        // The tagger's LSTM reads E = 8; a layer built for 9 inputs cannot take its weight_ih_l0 (64, 8).
        var weights = PyTorchStateDict.Read(TorchFixture.Load("tagger_lstm").PathOf("pt"));
        var layer = new RecurrentLayer<float>(9, new RecurrentSpec(HiddenSize: 16), new Rng(1));
        var e = Assert.Throws<InvalidDataException>(() => PyTorchImporter.LoadInto(layer, weights, new Dictionary<string, string> { ["rnn."] = "" }));
        Assert.Equal("tagger_lstm.pt: 'rnn.weight_ih_l0' has shape (64, 8); expected (64, 9) (LSTM, I = 9, H = 16).", e.Message);
    }

    [Fact]
    public void A_prefix_map_loads_a_model_part_and_leaves_the_rest_unused()
    {
        var weights = PyTorchStateDict.Read(TorchFixture.Load("tagger_lstm").PathOf("pt"));
        var layer = new RecurrentLayer<float>(8, new RecurrentSpec(HiddenSize: 16), new Rng(1));
        var e = Assert.Throws<InvalidDataException>(() => PyTorchImporter.LoadInto(layer, weights, new Dictionary<string, string> { ["rnn."] = "" }));
        Assert.StartsWith("tagger_lstm.pt: 'emb.weight' is not used by the model (nor are 2 more: 'fc.weight', 'fc.bias').", e.Message);
        var rnnOnly = Edited("rnn", TorchFixture.Load("tagger_lstm"), d => { d.Remove("emb.weight"); d.Remove("fc.weight"); d.Remove("fc.bias"); });
        PyTorchImporter.LoadInto(layer, rnnOnly, new Dictionary<string, string> { ["rnn."] = "" });
        Assert.Equal(weights["rnn.weight_hh_l0"].ToArray(), layer.StateDict()["weight_hh_l0"].ToArray());
    }

    [Fact]
    public void A_char_model_needs_a_decoder_back_to_the_vocabulary()
    {
        var weights = PyTorchStateDict.Read(TorchFixture.Load("tagger_lstm").PathOf("pt"));
        var e = Assert.Throws<InvalidDataException>(() => PyTorchImporter.ToCharLanguageModel(weights, PyTorchArchitecture.Parse("emb:Embedding, rnn:LSTM, fc:Linear")));
        Assert.Equal("tagger_lstm.pt: 'fc.weight' has shape (5, 16); expected (11, 16) (Linear, 16 → 11).", e.Message);
    }

    [Theory]
    [InlineData("rnn:LSTM", "out of place")]
    [InlineData("fc:Linear, rnn:LSTM, out:Linear", "out of place")]
    [InlineData("emb:Embedding, fc:Linear", "out of place")]
    [InlineData("rnn:LSTM, rnn:GRU, fc:Linear", "two modules are named 'rnn'")]
    [InlineData("conv:Conv1d, fc:Linear", "unknown class 'Conv1d'")]
    [InlineData("rnn:RNN(sigmoid), fc:Linear", "unknown class 'RNN(sigmoid)'")]
    [InlineData("rnn LSTM, fc:Linear", "is not name:Class")]
    public void A_bad_architecture_is_one_line(string text, string expected)
    {
        var e = Assert.Throws<ArgumentException>(() => PyTorchArchitecture.Parse(text));
        Assert.Contains(expected, e.Message);
        Assert.DoesNotContain('\n', e.Message);
    }

    [Fact]
    public void The_architecture_reads_classes_names_and_nonlinearities()
    {
        var a = PyTorchArchitecture.Parse(" emb : Embedding ,enc.rnn:lstm, r2:RNN( relu ), r3:RNN(tanh), g:GRU, fc:Linear");
        Assert.Equal("emb:Embedding, enc.rnn:LSTM, r2:RNN(relu), r3:RNN, g:GRU, fc:Linear", a.ToString());
        Assert.Equal(Recurrent.Autodiff.Activation.Relu, a.Modules[2].Nonlinearity);
    }

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    /// <summary>The fixture's tensors, edited, written as a safetensors file named <paramref name="name"/> and read back.</summary>
    private PyTorchStateDict Edited(string name, TorchFixture fixture, Action<Dictionary<string, Tensor<float>>> edit)
    {
        var tensors = PyTorchStateDict.Read(fixture.PathOf("pt")).ToDictionary(p => p.Key, p => p.Value);
        edit(tensors);
        var writer = new SafetensorsWriter();
        foreach (var (key, tensor) in tensors) writer.Add(key, tensor);
        string path = Path.Combine(_folder, name + ".safetensors");
        writer.Save(path);
        return PyTorchStateDict.Read(path);
    }
}
