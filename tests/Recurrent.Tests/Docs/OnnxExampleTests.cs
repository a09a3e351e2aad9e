using System.Numerics.Tensors;
using System.Text.RegularExpressions;
using Recurrent.Cells;
using Recurrent.Data.Text;
using Recurrent.Layers;
using Recurrent.Models;
using Recurrent.Onnx.Export;
using Recurrent.Tensors;
using Recurrent.Tests.Oracles;
using Recurrent.Tests.Training;

namespace Recurrent.Tests.Docs;

/// <summary>
/// README's ONNX example, read from the file: a char-LM exported by Recurrent, continued greedily by ONNX Runtime from
/// C#. It must compile, run, and write exactly the text that Recurrent's own model writes greedily from the same prime.
/// </summary>
/// <remarks>Runs alone: it redirects the console and works in a temporary current directory, both process-wide.</remarks>
[Collection(nameof(ProcessWideMeasurements))]
public partial class OnnxExampleTests(Xunit.Abstractions.ITestOutputHelper log)
{
    [GeneratedRegex(@"## ONNX Runtime and PyTorch.*?```csharp\n(?<code>.*?)```", RegexOptions.Singleline)]
    private static partial Regex ExampleBlock();

    [GeneratedRegex(@"string text = ""(?<prime>[^""]*)"";")]
    private static partial Regex Prime();

    [GeneratedRegex(@"n < (?<count>[0-9]+);")]
    private static partial Regex Count();

    [Fact]
    public void TheReadmeOnnxExampleWritesWhatRecurrentWrites()
    {
        string readme = File.ReadAllText(Path.Combine(OracleFolder.RepositoryRoot, "README.md"));
        var match = ExampleBlock().Match(readme);
        Assert.True(match.Success, "README.md has no ```csharp block under '## ONNX Runtime and PyTorch'.");
        string code = match.Groups["code"].Value;
        string prime = Prime().Match(code).Groups["prime"].Value;
        int count = int.Parse(Count().Match(code).Groups["count"].Value, System.Globalization.CultureInfo.InvariantCulture);
        Assert.False(string.IsNullOrEmpty(prime), "The example names no prime text.");

        // A model of the main job's kind (2-layer LSTM over characters) with a vocabulary that holds the prime; its
        // weights are random but fixed, and large enough that greedy choices are not near-ties.
        var vocabulary = CharVocabulary.FromText("public static void Main() { return x + y; }\n\t");
        var model = new CharLanguageModel<float>(new CharModelConfig(vocabulary.Count, 16, new RecurrentSpec { Cell = CellKind.Lstm, HiddenSize = 32, Layers = 2 }), new Rng(12), vocabulary);
        foreach (var p in model.Parameters()) foreach (ref float w in p.Value.Span) w *= 4;
        string expected = GreedyContinuation(model, vocabulary, prime, count);

        var image = CompiledExample.Compile("README ONNX example", code, typeof(Microsoft.ML.OnnxRuntime.InferenceSession).Assembly);
        string output = CompiledExample.Run("README ONNX example", image, prepare: folder => OnnxExporter.Save(model, Path.Combine(folder, "charlm.onnx")));
        log.WriteLine(output);
        Assert.Equal(expected, output.TrimEnd('\n', '\r'));
    }

    /// <summary>Recurrent's own greedy continuation: the most likely next character after the whole text, appended, repeated.</summary>
    private static string GreedyContinuation(CharLanguageModel<float> model, CharVocabulary vocabulary, string prime, int count)
    {
        model.Eval();
        string text = prime;
        var tape = new Recurrent.Autodiff.Tape<float>();
        for (int n = 0; n < count; n++)
        {
            tape.Reset();
            var ids = vocabulary.Encode(text);
            var logits = model.Forward(tape, ids, 1).Logits.Value.Span;   // (1, T, V)
            int v = vocabulary.Count;
            text += vocabulary[TensorPrimitives.IndexOfMax(logits.Slice((ids.Length - 1) * v, v))];
        }
        return text;
    }
}
