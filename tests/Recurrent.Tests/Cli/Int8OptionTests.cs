using Recurrent.Cells;
using Recurrent.Data.Text;
using Recurrent.Layers;
using Recurrent.Models;
using Recurrent.Serialization;
using Recurrent.Tensors;
using Recurrent.Tests.Serialization;

namespace Recurrent.Tests.Cli;

/// <summary>The command line's <c>--int8</c>, run as a user runs it: what it refuses, in one line, and that it runs.</summary>
public sealed class Int8OptionTests : IDisposable
{
    private readonly TemporaryFolder _folder = new();

    public void Dispose() => _folder.Dispose();

    private string CharModel(CellKind cell)
    {
        var vocabulary = CharVocabulary.FromText("abcdefgh \n");
        var model = new CharLanguageModel<float>(new CharModelConfig(vocabulary.Count, 4, new RecurrentSpec { Cell = cell, HiddenSize = 8 }), new Rng(3), vocabulary);
        string path = _folder.File($"{cell}.safetensors");
        model.Save(path);
        return path;
    }

    [Fact]
    public void BenchRnnRefusesInt8InTrainMode()
    {
        var result = CliProcess.Run(_folder.Path, "bench", "rnn", "--cell", "lstm", "--batch", "2", "--steps", "2", "--input", "3", "--hidden", "4", "--mode", "train", "--int8");
        CliProcess.AssertOneLineError(result, "--int8 times inference only; use --mode infer (an int8 layer cannot train).");
    }

    [Fact]
    public void BenchRnnRefusesInt8ForAGru()
    {
        var result = CliProcess.Run(_folder.Path, "bench", "rnn", "--cell", "gru", "--batch", "2", "--steps", "2", "--input", "3", "--hidden", "4", "--mode", "infer", "--int8");
        CliProcess.AssertOneLineError(result, "--int8: int8 inference covers LSTM layers only; this model has a Gru layer");
    }

    [Fact]
    public void BenchRnnInt8ReportsItInTheJsonLine()
    {
        var result = CliProcess.Run(_folder.Path, "bench", "rnn", "--cell", "lstm", "--batch", "2", "--steps", "3", "--input", "5", "--hidden", "8", "--mode", "infer", "--int8", "--json", "--threads", "1");
        Assert.True(result.ExitCode == 0, result.Stderr);
        Assert.Contains("\"int8\":true", result.Stdout, StringComparison.Ordinal);
        Assert.Contains("\"mode\":\"infer\"", result.Stdout, StringComparison.Ordinal);
    }

    [Fact]
    public void CharLmSampleRefusesInt8ForAGruModel()
    {
        var result = CliProcess.Run(_folder.Path, "charlm", "sample", "--checkpoint", CharModel(CellKind.Gru), "--length", "5", "--int8");
        CliProcess.AssertOneLineError(result, "--int8: int8 inference covers LSTM layers only; this model has a Gru layer");
    }

    [Fact]
    public void CharLmSampleAndEvalRunInt8OnAnLstmModel()
    {
        string model = CharModel(CellKind.Lstm);
        var sample = CliProcess.Run(_folder.Path, "charlm", "sample", "--checkpoint", model, "--prime", "abc", "--length", "20", "--int8");
        Assert.True(sample.ExitCode == 0, sample.Stderr);
        Assert.StartsWith("abc", sample.Stdout, StringComparison.Ordinal);
        string text = _folder.File("text.txt");
        File.WriteAllText(text, "abc defgh\nhgfed cba\n");
        var eval = CliProcess.Run(_folder.Path, "charlm", "eval", "--checkpoint", model, "--file", text, "--int8", "--json");
        Assert.True(eval.ExitCode == 0, eval.Stderr);
        Assert.Contains("nats_per_char", eval.Stdout, StringComparison.Ordinal);
    }
}
