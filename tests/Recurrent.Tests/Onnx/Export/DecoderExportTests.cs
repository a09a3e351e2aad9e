using Recurrent.Onnx.Export;
using Xunit.Abstractions;

namespace Recurrent.Tests.Onnx.Export;

/// <summary>
/// Seq2Seq (with and without attention) and SequenceGenerator (both conditionings) as encoder + decoder-step graphs:
/// greedy decoding through ONNX Runtime gives <c>Generate</c>'s tokens and the step decoder's log-probabilities within 1e-5.
/// </summary>
public class DecoderExportTests(ITestOutputHelper output)
{
    private const double Tolerance = 1e-5;

    public static TheoryData<string> Seq2SeqNames() => [.. DecoderExportCases.Seq2Seqs.Select(s => s.Name)];

    public static TheoryData<string> GeneratorNames() => [.. DecoderExportCases.Generators.Select(s => s.Name)];

    [Theory]
    [MemberData(nameof(Seq2SeqNames))]
    public void Seq2SeqGreedyDecodingMatchesOnnxRuntime(string name) =>
        Check(name, DecoderExportCases.Seq2Seq(DecoderExportCases.Seq2Seqs.Single(s => s.Name == name).Config));

    [Theory]
    [MemberData(nameof(GeneratorNames))]
    public void GeneratorGreedyDecodingMatchesOnnxRuntime(string name) =>
        Check(name, DecoderExportCases.Generator(DecoderExportCases.Generators.Single(s => s.Name == name).Config));

    public static TheoryData<string> TokenSourceSeq2SeqNames() =>
        [.. DecoderExportCases.Seq2Seqs.Where(s => s.Config.SourceVocabulary > 0).Select(s => s.Name)];

    [Theory]
    [MemberData(nameof(TokenSourceSeq2SeqNames))]
    public void Seq2SeqBeamSearchOverOnnxRuntimeGivesGenerateTokens(string name)
    {
        var config = DecoderExportCases.Seq2Seqs.Single(s => s.Name == name).Config;
        var (expected, actual) = DecoderExportCases.Seq2SeqSearch(config, Beam);
        AssertSameTokens(expected, actual);
    }

    [Theory]
    [MemberData(nameof(GeneratorNames))]
    public void GeneratorBeamSearchOverOnnxRuntimeGivesGenerateTokens(string name)
    {
        var (expected, actual) = DecoderExportCases.GeneratorSearch(DecoderExportCases.Generators.Single(s => s.Name == name).Config, Beam);
        AssertSameTokens(expected, actual);
    }

    private static void AssertSameTokens(int[][] expected, int[][] actual)
    {
        Assert.True(expected.Sum(e => e.Length) > 0, "Generate produced no token; the comparison would cover nothing");
        Assert.Equal(expected.Length, actual.Length);
        for (int b = 0; b < expected.Length; b++) Assert.Equal(expected[b], actual[b]);
    }

    private static readonly Recurrent.Models.DecodeOptions Beam = new() { Strategy = Recurrent.Models.DecodeStrategy.Beam, BeamWidth = 3 };

    [Theory]
    [InlineData(14)]
    [InlineData(21)]
    [InlineData(23)]
    public void DecodersMatchOnnxRuntimeAtOtherOpsets(int opset)
    {
        var options = new OnnxExportOptions { Opset = opset };
        foreach (var (name, config) in DecoderExportCases.Seq2Seqs) Check($"{name}, opset {opset}", DecoderExportCases.Seq2Seq(config, options));
        foreach (var (name, config) in DecoderExportCases.Generators) Check($"{name}, opset {opset}", DecoderExportCases.Generator(config, options));
    }

    private void Check(string name, (double Max, int Tokens) result)
    {
        var (difference, tokens) = result;
        output.WriteLine($"{name}: {difference:E1} over {tokens} generated tokens");
        Assert.True(tokens > 0, $"{name}: greedy decoding generated no token, so the comparison covered only the first step");
        Assert.True(difference <= Tolerance, $"{name}: max |log p Recurrent − log p ONNX Runtime| = {difference:E2}");
    }
}
