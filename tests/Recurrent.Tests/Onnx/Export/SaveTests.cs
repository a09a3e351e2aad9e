using Recurrent.Autodiff;
using Recurrent.Cells;
using Recurrent.Layers;
using Recurrent.Models;
using Recurrent.Onnx.Export;
using Recurrent.Serialization;
using Recurrent.Tensors;
using Recurrent.Tests.Cli;
using Recurrent.Tests.Serialization;

namespace Recurrent.Tests.Onnx.Export;

/// <summary>
/// <see cref="OnnxExporter.Save"/> and <c>recurrent export</c>: the written files load in ONNX Runtime and compute what
/// the model computes; two-graph models write NAME.encoder.onnx and NAME.decoder.onnx; no temporary file is left; bad
/// input is refused in one line.
/// </summary>
public class SaveTests
{
    private static readonly int[] Lengths = [7, 3, 5];

    [Fact]
    public void SavedFileLoadsInOnnxRuntimeAndLeavesNoTemporaryFile()
    {
        using var folder = new TemporaryFolder();
        var model = new SequenceClassifier<float>(new SequenceClassifierConfig(3, 4, new RecurrentSpec { Cell = CellKind.Gru, HiddenSize = 6 }), new Rng(3));
        string path = folder.File("classifier.onnx");
        File.WriteAllText(path, "an older export, replaced whole");
        var written = OnnxExporter.Save(model, path);
        Assert.Equal([path], written);
        Assert.Equal([path], Directory.GetFiles(folder.Path));
        Assert.True(Compare(model, path) <= 1e-5);
    }

    [Fact]
    public void TwoGraphModelsWriteEncoderAndDecoderBesideThePath()
    {
        using var folder = new TemporaryFolder();
        var model = new Seq2Seq<float>(new Seq2SeqConfig(6, 0, 8, new RecurrentSpec { Cell = CellKind.Lstm, HiddenSize = 5 }, true, 4), new Rng(4));
        var written = OnnxExporter.Save(model, folder.File("translator.onnx"));
        Assert.Equal([folder.File("translator.encoder.onnx"), folder.File("translator.decoder.onnx")], written);
        using var encoder = new OrtSession(written[0]);
        using var decoder = new OrtSession(written[1]);
        Assert.Equal(["source", "source_lengths"], encoder.InputNames);
        Assert.Equal(["token", "h0", "c0", "memory", "keys", "source_lengths"], decoder.InputNames);
        Assert.Equal(2, Directory.GetFiles(folder.Path).Length);
    }

    [Fact]
    public void CommandExportsAModelFileThatOnnxRuntimeRuns()
    {
        using var folder = new TemporaryFolder();
        var model = new SequenceClassifier<float>(new SequenceClassifierConfig(3, 5, new RecurrentSpec { Cell = CellKind.Lstm, HiddenSize = 64, Bidirectional = true }, TimePooling.Mean, FrameEncoderSize: 32), new Rng(5));
        string modelFile = folder.File("classifier.safetensors");
        ModuleFiles.Save(model, modelFile);
        var result = CliProcess.Run(folder.Path, "export", "--model", modelFile, "--out", "classifier.onnx", "--opset", "14");
        Assert.True(result.ExitCode == 0, result.Stderr);
        Assert.Contains("classifier.onnx (model, opset 14)", result.Stdout);
        Assert.Contains("input   x: float (batch, steps, 3)", result.Stdout);
        Assert.Contains("input   lengths: int32 (batch)", result.Stdout);
        Assert.Contains("output  probabilities: float (batch, 5)", result.Stdout);
        double difference = Compare(Model.Load(modelFile), folder.File("classifier.onnx"));
        Assert.True(difference <= 1e-5, $"max |Recurrent − ONNX Runtime| = {difference:E2}");
    }

    [Fact]
    public void CommandRefusesABadModelFileInOneLine()
    {
        using var folder = new TemporaryFolder();
        string bad = folder.File("bad.safetensors");
        File.WriteAllBytes(bad, [1, 2, 3, 4, 5]);
        var result = CliProcess.Run(folder.Path, "export", "--model", bad, "--out", "bad.onnx");
        CliProcess.AssertOneLineError(result, "bad.safetensors");
        Assert.False(File.Exists(folder.File("bad.onnx")));
    }

    [Fact]
    public void CommandRefusesAnOpsetOutOfRangeInOneLine()
    {
        using var folder = new TemporaryFolder();
        var model = new SequenceClassifier<float>(new SequenceClassifierConfig(3, 2, new RecurrentSpec { HiddenSize = 4 }), new Rng(6));
        string modelFile = folder.File("m.safetensors");
        ModuleFiles.Save(model, modelFile);
        var result = CliProcess.Run(folder.Path, "export", "--model", modelFile, "--out", "m.onnx", "--opset", "9");
        CliProcess.AssertOneLineError(result, "--opset is 9; expected 14 to 23");
        Assert.False(File.Exists(folder.File("m.onnx")));
    }

    /// <summary>Runs a classifier file in ORT on a padded batch; max difference of the logits from the model's.</summary>
    private static double Compare(Module<float> module, string path)
    {
        var model = Assert.IsType<SequenceClassifier<float>>(module);
        model.Eval();
        var x = Tensor.Uniform<float>(new Rng(9), -1, 1, 3, 7, 3);
        var logits = model.Forward(new Tape<float>(), new Variable<float>(x), Lengths).Value;
        using var session = new OrtSession(path);
        var actual = session.Run(("x", x.Span.ToArray(), [3, 7, 3]), ("lengths", Lengths, [3]));
        return Differences.Max(logits.Span, actual["logits"].Values, "logits");
    }
}
