using Recurrent.Layers;

namespace Recurrent.Tests.Oracles;

/// <summary>
/// Parity with libtorch and ONNX Runtime on every case file of the oracle folder (see <see cref="OracleFolder"/>):
/// outputs, final states and every gradient within 1e-5 in float32. A new file dropped in is tested as it is.
/// </summary>
public class OracleTests
{
    public const double Float32Tolerance = 1e-5;
    public const double Float64Tolerance = 1e-10;

    /// <summary>Every case file, on the fused path (the default) and on the reference path.</summary>
    public static TheoryData<string, bool> Cases()
    {
        var data = new TheoryData<string, bool>();
        var files = OracleFolder.CaseFiles();
        if (files.Count == 0) data.Add("(none)", true);
        foreach (var f in files)
        {
            data.Add(f, true);
            data.Add(f, false);
        }
        return data;
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void MatchesInFloat32(string file, bool fused) => AssertCase(file, fused, Float32Tolerance, runDouble: false);

    [Theory]
    [MemberData(nameof(Cases))]
    public void MatchesInFloat64(string file, bool fused) => AssertCase(file, fused, Float64Tolerance, runDouble: true);

    private static void AssertCase(string file, bool fused, double tolerance, bool runDouble)
    {
        Assert.True(file != "(none)", $"No oracle case files in {OracleFolder.Location}; set {OracleFolder.Variable} to the oracle folder.");
        var failures = Run(Path.Combine(OracleFolder.Location, file), tolerance, runDouble, fused);
        Assert.True(failures.Count == 0, string.Join(Environment.NewLine, failures));
    }

    /// <summary>Parses and checks one case file, whichever kind it is.</summary>
    internal static List<string> Run(string path, double tolerance, bool runDouble, bool fused = true)
    {
        var json = OracleJson.Load(path);
        if (json.Has("config", "module"))
        {
            var c = PyTorchCase.Parse(json);
            return runDouble
                ? c.Check<double>(tolerance, l => { l.UseFusedKernels = fused; AssertPath(l.RunsFused, fused); })
                : c.Check<float>(tolerance, l => { l.UseFusedKernels = fused; AssertPath(l.RunsFused, fused); });
        }
        if (json.Has("config", "op"))
        {
            var c = OnnxGruCase.Parse(json);
            return runDouble
                ? c.Check<double>(tolerance, l => { l.UseFusedKernels = fused; AssertPath(l.RunsFused, fused); })
                : c.Check<float>(tolerance, l => { l.UseFusedKernels = fused; AssertPath(l.RunsFused, fused); });
        }
        throw json.Bad("neither config.module (PyTorch case) nor config.op (ONNX case) is present");
    }

    private static void AssertPath(bool runsFused, bool wanted) =>
        Assert.True(runsFused == wanted, $"the layer runs the {(runsFused ? "fused" : "reference")} path; the test asked for the other");

    [Fact]
    public void EveryKindOfCaseIsPresent()
    {
        var files = OracleFolder.CaseFiles();
        Assert.Contains(files, f => f.Contains("lstm") && f.Contains("varlen"));
        Assert.Contains(files, f => f.StartsWith("onnx"));
        Assert.True(files.Count >= 17, $"expected the 17 documented cases in {OracleFolder.Location}; found {files.Count}");
    }

    [Fact]
    public void AMalformedCaseNamesItsFile()
    {
        string dir = Directory.CreateTempSubdirectory("recurrent-oracle").FullName;
        try
        {
            string source = Path.Combine(OracleFolder.Location, "pytorch", "lstm_b3_t5_i4_h6_l1.json");
            string text = File.ReadAllText(source);
            string truncated = Path.Combine(dir, "truncated_case.json");
            File.WriteAllText(truncated, text[..(text.Length / 2)]);
            var e1 = Assert.Throws<InvalidDataException>(() => Run(truncated, Float32Tolerance, false));
            Assert.StartsWith("truncated_case.json:", e1.Message);

            string missing = Path.Combine(dir, "missing_key.json");
            File.WriteAllText(missing, text.Replace("\"h_n\"", "\"h_nope\""));
            var e2 = Assert.Throws<InvalidDataException>(() => Run(missing, Float32Tolerance, false));
            Assert.StartsWith("missing_key.json:", e2.Message);
            Assert.Contains("outputs.h_n", e2.Message);
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    [Theory]
    [InlineData("output")]
    [InlineData("h_n")]
    [InlineData("grad")]
    public void ACaseWithWrongExpectedValuesFails(string which)
    {
        var c = PyTorchCase.Parse(OracleJson.Load(Path.Combine(OracleFolder.Location, "pytorch", "lstm_b2_t7_i3_h5_l2.json")));
        Assert.Empty(c.Check<float>(Float32Tolerance));
        var target = which switch
        {
            "output" => c.Output,
            "h_n" => c.HN,
            _ => c.Grads["weight_hh_l0"],
        };
        target[3] += 5e-5; // a few times the tolerance
        var failures = c.Check<float>(Float32Tolerance);
        Assert.NotEmpty(failures);
        Assert.Contains("lstm_b2_t7_i3_h5_l2.json", failures[0]);
    }

    [Fact]
    public void TheOnnxCaseFailsWithoutTheZGateMapping()
    {
        var c = OnnxGruCase.Parse(OracleJson.Load(Path.Combine(OracleFolder.Location, "onnx", "gru_lbr0_b3_t5_i4_h6.json")));
        Assert.Empty(c.Check<float>(Float32Tolerance));
        // Without negating z (ONNX's z taken as the lecture's), the match must break.
        var swapped = c.LectureWeights();
        int h = c.Hidden;
        foreach (var t in swapped.Values)
        {
            int row = t.Rank == 2 ? t.Dim(1) : 1;
            var z = t.Span.Slice(h * row, h * row);
            for (int i = 0; i < z.Length; i++) z[i] = -z[i];
        }
        var layer2 = new RecurrentLayer<float>(c.Input, new RecurrentSpec { Cell = Recurrent.Cells.CellKind.Gru, HiddenSize = h, BatchFirst = false }, new Recurrent.Tensors.Rng(0));
        layer2.LoadStateDict(swapped.ToDictionary(p => p.Key, p => p.Value.Convert<float>()));
        var result = layer2.Forward(new Recurrent.Autodiff.Tape<float>(), new Recurrent.Autodiff.Variable<float>(c.X.Convert<float>()), [new Recurrent.Autodiff.Variable<float>(c.H0.Convert<float>())]);
        var bad = new List<string>();
        OracleCompare.Compare(c.File, "Y", c.Y.Reshape(c.Steps, c.Batch, h), result.Output.Value, Float32Tolerance, bad);
        Assert.NotEmpty(bad);
    }
}
