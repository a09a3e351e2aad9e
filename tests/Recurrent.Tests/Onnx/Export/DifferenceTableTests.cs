using Recurrent.Onnx.Export;
using Xunit.Abstractions;

namespace Recurrent.Tests.Onnx.Export;

/// <summary>
/// The table of max |Recurrent − ONNX Runtime| over every export case (cells × layer shapes, models, decoders) at
/// opset 17, printed for the record (docs/ONNX.md quotes it) and held to 1e-5.
/// </summary>
public class DifferenceTableTests(ITestOutputHelper output)
{
    [Fact]
    public void EveryExportIsWithinOneMillionthOfOnnxRuntime()
    {
        var rows = new List<(string Case, double Difference)>();
        output.WriteLine($"| cell | {string.Join(" | ", LayerExportCases.Shapes.Select(s => s.Name))} |");
        output.WriteLine($"|---|{string.Concat(LayerExportCases.Shapes.Select(_ => "---|"))}");
        foreach (var (cell, _) in LayerExportCases.Cells)
        {
            var cells = new List<string>();
            foreach (var (shape, _) in LayerExportCases.Shapes)
            {
                var (y, states) = LayerExportCases.Run(LayerExportCases.Spec(cell, shape));
                rows.Add(($"{cell}, {shape}", Math.Max(y, states)));
                cells.Add($"{y:0.0E+0} / {states:0.0E+0}");
            }
            output.WriteLine($"| {cell} | {string.Join(" | ", cells)} |");
        }
        output.WriteLine("");
        output.WriteLine("| model | max abs difference |");
        output.WriteLine("|---|---|");
        void Row(string name, double difference)
        {
            rows.Add((name, difference));
            output.WriteLine($"| {name} | {difference:0.0E+0} |");
        }
        foreach (var (name, config) in ModelExportCases.Sequentials) Row($"Sequential, {name}", ModelExportCases.Sequential(config));
        foreach (var (name, config) in ModelExportCases.Classifiers) Row(name, ModelExportCases.Classifier(config));
        foreach (var (name, config) in ModelExportCases.Taggers) Row(name, ModelExportCases.Tagger(config));
        foreach (var (name, spec) in ModelExportCases.CharModels) Row(name, ModelExportCases.CharLanguageModel(spec));
        foreach (var (name, config) in DecoderExportCases.Seq2Seqs) Row($"{name} (greedy, log p per step)", DecoderExportCases.Seq2Seq(config).Max);
        foreach (var (name, config) in DecoderExportCases.Generators) Row($"{name} (greedy, log p per step)", DecoderExportCases.Generator(config).Max);
        var worst = rows.MaxBy(r => r.Difference);
        output.WriteLine($"\n{rows.Count} cases; largest difference {worst.Difference:E2} ({worst.Case}).");
        Assert.All(rows, r => Assert.True(r.Difference <= 1e-5, $"{r.Case}: {r.Difference:E2} > 1e-5"));
    }
}
