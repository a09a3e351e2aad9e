using Recurrent.Autodiff;
using Recurrent.Cells;
using Recurrent.Layers;
using Recurrent.PyTorch;
using Recurrent.Tensors;
using Xunit.Abstractions;

namespace Recurrent.Tests.PyTorch;

/// <summary>
/// Bare <c>nn.LSTM</c>, <c>nn.GRU</c> and <c>nn.RNN</c> modules saved by real PyTorch: their weights loaded from the
/// <c>.pt</c> archive and from safetensors into a <see cref="RecurrentLayer{T}"/> of the same spec give torch's
/// output, h_n and c_n, over full-length sequences and over packed ones of different lengths.
/// </summary>
public sealed class PyTorchModuleTests(ITestOutputHelper output)
{
    private const double Tolerance = 1e-5;

    public static TheoryData<string, string> Cases()
    {
        var data = new TheoryData<string, string>();
        foreach (string name in new[] { "lstm_2l_bidir", "gru_2l", "rnn_tanh_bidir", "rnn_relu_tm", "lstm_tm" })
        {
            data.Add(name, "pt");
            data.Add(name, "safetensors");
        }
        return data;
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void Layer_loaded_from_the_file_matches_torch_full_length_and_packed(string name, string format)
    {
        var fixture = TorchFixture.Load(name);
        var layer = SameLayer(fixture);
        var weights = PyTorchStateDict.Read(fixture.PathOf(format));
        PyTorchImporter.LoadInto(layer, weights);
        layer.Eval();

        var x = fixture.Tensor("inputs", "x");
        int[] lengths = fixture.Ints("inputs", "lengths");
        Assert.Contains(lengths, l => l < x.Dim(layer.Spec.BatchFirst ? 1 : 0)); // the packed run really has shorter sequences
        foreach (var (run, lens) in new[] { ("outputs", Array.Empty<int>()), ("packed_outputs", lengths) })
        {
            var result = layer.Forward(new Tape<float>(), new Variable<float>(x), null, lens);
            double o = TorchFixture.MaxAbsDiff(fixture.Tensor(run, "output"), result.Output.Value, $"{name} {run} output");
            double h = TorchFixture.MaxAbsDiff(fixture.Tensor(run, "h_n"), result.FinalState[0].Value, $"{name} {run} h_n");
            double c = 0;
            if (layer.Kind == CellKind.Lstm) c = TorchFixture.MaxAbsDiff(fixture.Tensor(run, "c_n"), result.FinalState[1].Value, $"{name} {run} c_n");
            output.WriteLine($"{name}.{format} {run}: max |Δ| output {o:E2}, h_n {h:E2}, c_n {c:E2}");
            Assert.True(o <= Tolerance && h <= Tolerance && c <= Tolerance, $"{name}.{format} {run}: max |Δ| output {o:E2}, h_n {h:E2}, c_n {c:E2}; tolerance {Tolerance:E0}");
        }
    }

    [Fact]
    public void The_pt_and_safetensors_files_hold_the_same_tensors_bit_for_bit()
    {
        var pt = PyTorchStateDict.Read(TorchFixture.Load("lstm_2l_bidir").PathOf("pt"));
        var st = PyTorchStateDict.Read(TorchFixture.Load("lstm_2l_bidir").PathOf("safetensors"));
        Assert.Equal(16, pt.Count); // 2 layers × 2 directions × 4 tensors
        Assert.Equal(pt.Keys.Order(), st.Keys.Order());
        foreach (var (key, tensor) in pt) Assert.Equal(st[key].ToArray(), tensor.ToArray());
        Assert.Equal("weight_ih_l0", pt.Keys.First()); // the state_dict's order is kept
    }

    /// <summary>A layer of the fixture module's spec: GRU is PyTorch's form (CudnnGru), batch_first as the module.</summary>
    internal static RecurrentLayer<float> SameLayer(TorchFixture fixture)
    {
        var m = fixture.Module;
        string type = m.GetProperty("type").GetString()!;
        var cell = type switch
        {
            "LSTM" => CellKind.Lstm,
            "GRU" => CellKind.CudnnGru,
            "RNN" => CellKind.Elman,
            _ => throw new InvalidDataException($"{fixture.Name}: unknown module type {type}"),
        };
        var nonlinearity = cell == CellKind.Elman && m.GetProperty("nonlinearity").GetString() == "relu" ? Activation.Relu : Activation.Tanh;
        var spec = new RecurrentSpec(cell, m.GetProperty("hidden_size").GetInt32(), m.GetProperty("num_layers").GetInt32(),
            m.GetProperty("bidirectional").GetBoolean(), BatchFirst: m.GetProperty("batch_first").GetBoolean(), Nonlinearity: nonlinearity);
        return new RecurrentLayer<float>(m.GetProperty("input_size").GetInt32(), spec, new Rng(123));
    }
}
