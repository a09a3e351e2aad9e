using Recurrent.Autodiff;
using Recurrent.Layers;
using Recurrent.Models;
using Recurrent.PyTorch;
using Recurrent.Tensors;
using Recurrent.Tests.Cli;
using Xunit.Abstractions;

namespace Recurrent.Tests.PyTorch;

/// <summary>
/// Whole PyTorch models (Embedding → LSTM/GRU → Linear) saved by real PyTorch, imported as a <see cref="Sequential{T}"/>
/// from their module tree, in process and through <c>recurrent import</c>: their logits are torch's.
/// </summary>
public sealed class PyTorchModelTests(ITestOutputHelper output) : IDisposable
{
    private const double Tolerance = 1e-5;
    private readonly string _folder = Directory.CreateTempSubdirectory("recurrent-import-").FullName;

    public static TheoryData<string, string> Cases()
    {
        var data = new TheoryData<string, string>();
        foreach (string name in new[] { "tagger_lstm", "classifier_gru", "features_lstm_bidir" })
        {
            data.Add(name, "pt");
            data.Add(name, "safetensors");
        }
        return data;
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void ToSequential_gives_torch_logits(string name, string format)
    {
        var fixture = TorchFixture.Load(name);
        var model = PyTorchImporter.ToSequential(PyTorchStateDict.Read(fixture.PathOf(format)), PyTorchArchitecture.Parse(fixture.String("arch")),
            new PyTorchImportOptions(Pooling(fixture)));
        double diff = Compare(fixture, model);
        output.WriteLine($"{name}.{format}: max |Δ| logits {diff:E2}");
        Assert.True(diff <= Tolerance, $"{name}.{format}: max |Δ| logits {diff:E2}; tolerance {Tolerance:E0}");
    }

    [Theory]
    [InlineData("tagger_lstm")]
    [InlineData("classifier_gru")]
    [InlineData("features_lstm_bidir")]
    public void Recurrent_import_writes_a_model_file_that_Model_Load_reads_with_torch_logits(string name)
    {
        var fixture = TorchFixture.Load(name);
        string file = Path.Combine(_folder, name + ".safetensors");
        string pooling = fixture.String("pooling");
        var result = CliProcess.Run(_folder, "import", "--pytorch", fixture.PathOf("pt"), "--arch", fixture.String("arch"), "--pooling", pooling, "--out", file);
        Assert.True(result.ExitCode == 0, result.Stderr);
        Assert.Contains("parameters", result.Stdout);
        Assert.False(File.Exists(file + ".tmp"));

        var model = Assert.IsType<Sequential<float>>(Model.Load(file));
        var direct = PyTorchImporter.ToSequential(PyTorchStateDict.Read(fixture.PathOf("pt")), PyTorchArchitecture.Parse(fixture.String("arch")), new PyTorchImportOptions(Pooling(fixture)));
        Assert.Contains($"{direct.ParameterCount:N0} parameters", result.Stdout);
        double diff = Compare(fixture, model);
        output.WriteLine($"{name} via recurrent import + Model.Load: max |Δ| logits {diff:E2}");
        Assert.True(diff <= Tolerance, $"{name}: max |Δ| logits {diff:E2}; tolerance {Tolerance:E0}");
    }

    [Fact]
    public void ToCharLanguageModel_computes_what_the_torch_checked_Sequential_computes()
    {
        // The tagger's embedding and LSTM (checked against torch above) with a decoder back to its 11 ids: the char
        // model must give the logits of the Sequential built from the same tensors with the head on every step.
        var fixture = TorchFixture.Load("tagger_lstm");
        var weights = PyTorchStateDict.Read(fixture.PathOf("pt")).ToDictionary(p => p.Key, p => p.Value);
        var rng = new Rng(7);
        weights["fc.weight"] = Tensor.Uniform<float>(rng, -1, 1, 11, 16);
        weights["fc.bias"] = Tensor.Uniform<float>(rng, -1, 1, 11);
        var architecture = PyTorchArchitecture.Parse(fixture.String("arch"));
        var charModel = PyTorchImporter.ToCharLanguageModel(weights, architecture);
        var sequential = PyTorchImporter.ToSequential(weights, architecture);

        var ids = fixture.Tensor("inputs", "ids");
        int batch = ids.Dim(0), steps = ids.Dim(1);
        int[] tokens = ids.ToArray().Select(v => (int)v).ToArray();
        var expected = sequential.Forward(new Tape<float>(), new Variable<float>(ids.Reshape(batch, steps, 1))).Value;
        var actual = charModel.Forward(new Tape<float>(), tokens, batch).Logits.Value;
        Assert.Equal(expected.Length, actual.Length);
        Assert.Equal(expected.ToArray(), actual.ToArray());
    }

    [Fact]
    public void Recurrent_import_refuses_evil_pt_with_one_line_and_writes_nothing()
    {
        string file = Path.Combine(_folder, "evil.safetensors");
        var result = CliProcess.Run(_folder, "import", "--pytorch", Path.Combine(TorchFixture.Folder, "evil.pt"), "--arch", "rnn:LSTM, fc:Linear", "--out", file);
        CliProcess.AssertOneLineError(result, "evil.pt: data.pkl: global 'posix.system' is not allowed; a state_dict holds only tensors (refusing to run pickle code).");
        Assert.False(File.Exists(file));
    }

    [Fact]
    public void Recurrent_import_names_a_misshapen_tensor_in_one_line()
    {
        // The GRU classifier's weights read as an LSTM: weight_ih_l0 has 3H rows where an LSTM has 4H.
        var fixture = TorchFixture.Load("classifier_gru");
        var result = CliProcess.Run(_folder, "import", "--pytorch", fixture.PathOf("pt"), "--arch", "embed:Embedding, gru:LSTM, out:Linear", "--out", Path.Combine(_folder, "m.safetensors"));
        CliProcess.AssertOneLineError(result, "classifier_gru.pt: 'gru.weight_ih_l0' has shape (30, 6); expected (40, 6) (LSTM");
    }

    [Fact]
    public void Recurrent_import_needs_exactly_one_source_and_an_arch()
    {
        var none = CliProcess.Run(_folder, "import", "--out", Path.Combine(_folder, "m.safetensors"));
        CliProcess.AssertOneLineError(none, "give exactly one of --pytorch FILE");
        var noArch = CliProcess.Run(_folder, "import", "--pytorch", TorchFixture.Load("tagger_lstm").PathOf("pt"), "--out", Path.Combine(_folder, "m.safetensors"));
        CliProcess.AssertOneLineError(noArch, "--pytorch needs --arch");
    }

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    private static SequencePooling Pooling(TorchFixture fixture) => fixture.String("pooling") switch
    {
        "all" => SequencePooling.AllSteps,
        "last" => SequencePooling.LastStep,
        var other => throw new InvalidDataException($"{fixture.Name}: unknown pooling '{other}'"),
    };

    /// <summary>The model's logits on the fixture's input against torch's: token ids as (B, T, 1) numbers, or features (B, T, I).</summary>
    private static double Compare(TorchFixture fixture, Sequential<float> model)
    {
        Tensor<float> x;
        if (fixture.Has("inputs", "ids"))
        {
            var ids = fixture.Tensor("inputs", "ids");
            x = ids.Reshape(ids.Dim(0), ids.Dim(1), 1);
        }
        else
        {
            x = fixture.Tensor("inputs", "x");
        }
        model.Eval();
        var logits = model.Forward(new Tape<float>(), new Variable<float>(x)).Value;
        var expected = fixture.Tensor("logits");
        return TorchFixture.MaxAbsDiff(expected, logits.Length == expected.Length ? logits.Reshape(expected.Shape.ToArray()) : logits, $"{fixture.Name} logits");
    }
}
