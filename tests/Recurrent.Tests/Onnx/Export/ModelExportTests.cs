using Recurrent.Onnx.Export;
using Xunit.Abstractions;

namespace Recurrent.Tests.Onnx.Export;

/// <summary>
/// The library's models exported and run in ONNX Runtime on padded batches: Sequential (embedding, frames, features ×
/// last step, mean, all steps), classifiers, taggers and the char LM with carried state, within 1e-5.
/// </summary>
public class ModelExportTests(ITestOutputHelper output)
{
    private const double Tolerance = 1e-5;

    public static TheoryData<string> SequentialNames() => [.. ModelExportCases.Sequentials.Select(s => s.Name)];

    public static TheoryData<string> ClassifierNames() => [.. ModelExportCases.Classifiers.Select(s => s.Name)];

    public static TheoryData<string> TaggerNames() => [.. ModelExportCases.Taggers.Select(s => s.Name)];

    public static TheoryData<string> CharModelNames() => [.. ModelExportCases.CharModels.Select(s => s.Name)];

    [Theory]
    [MemberData(nameof(SequentialNames))]
    public void SequentialMatchesOnnxRuntime(string name) =>
        Check(name, ModelExportCases.Sequential(ModelExportCases.Sequentials.Single(s => s.Name == name).Config));

    [Theory]
    [InlineData(14)]
    [InlineData(21)]
    [InlineData(23)]
    public void SequentialMatchesOnnxRuntimeAtOtherOpsets(int opset)
    {
        foreach (var (name, config) in ModelExportCases.Sequentials)
        {
            Check($"{name}, opset {opset}", ModelExportCases.Sequential(config, new OnnxExportOptions { Opset = opset }));
        }
    }

    [Fact]
    public void SequentialMatchesOnnxRuntimeWithoutLengths()
    {
        foreach (var (name, config) in ModelExportCases.Sequentials)
        {
            Check($"{name}, full-length batch", ModelExportCases.Sequential(config, new OnnxExportOptions { VariableLengths = false }));
        }
    }

    [Theory]
    [MemberData(nameof(ClassifierNames))]
    public void ClassifierMatchesOnnxRuntime(string name) =>
        Check(name, ModelExportCases.Classifier(ModelExportCases.Classifiers.Single(s => s.Name == name).Config));

    [Theory]
    [MemberData(nameof(TaggerNames))]
    public void TaggerMatchesOnnxRuntime(string name) =>
        Check(name, ModelExportCases.Tagger(ModelExportCases.Taggers.Single(s => s.Name == name).Config));

    [Theory]
    [MemberData(nameof(CharModelNames))]
    public void CharLanguageModelMatchesOnnxRuntimeAcrossWindows(string name) =>
        Check(name, ModelExportCases.CharLanguageModel(ModelExportCases.CharModels.Single(s => s.Name == name).Spec));

    private void Check(string name, double difference)
    {
        output.WriteLine($"{name}: {difference:E1}");
        Assert.True(difference <= Tolerance, $"{name}: max |Recurrent − ONNX Runtime| = {difference:E2}");
    }
}
