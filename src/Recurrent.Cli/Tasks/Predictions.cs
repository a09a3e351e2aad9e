using Recurrent.Data;
using Recurrent.Models;
using Recurrent.Tensors;

namespace Recurrent.Cli.Tasks;

/// <summary>Turns model outputs into what a user reads: classes with their probabilities, tags, target symbols.</summary>
internal static class Predictions
{
    /// <summary>The most likely class of each row of <paramref name="logits"/> (rows of <paramref name="classes"/> scores).</summary>
    public static int[] Classes(Tensor<float> logits, int classes)
    {
        var span = logits.Span;
        var best = new int[span.Length / classes];
        for (int r = 0; r < best.Length; r++) best[r] = System.Numerics.Tensors.TensorPrimitives.IndexOfMax(span.Slice(r * classes, classes));
        return best;
    }

    /// <summary>The softmax probability of class <paramref name="c"/> in row <paramref name="row"/>.</summary>
    public static double Probability(Tensor<float> logits, int classes, int row, int c)
    {
        var scores = logits.Span.Slice(row * classes, classes);
        float max = System.Numerics.Tensors.TensorPrimitives.Max(scores);
        double sum = 0;
        foreach (float s in scores) sum += Math.Exp(s - max);
        return Math.Exp(scores[c] - max) / sum;
    }

    public static DecodeOptions Decoding(int beam) =>
        beam > 1 ? new DecodeOptions { Strategy = DecodeStrategy.Beam, BeamWidth = beam } : new DecodeOptions();

    /// <summary>Generated target ids as symbols.</summary>
    public static string[] Symbols(DataSchema schema, int[] ids) =>
        [.. ids.Where(id => id > TokenVocabulary.EndId && id < schema.Classes!.Length).Select(id => schema.Classes![id])];

    /// <summary>Symbols joined back into text: characters directly, words with spaces.</summary>
    public static string Join(IReadOnlyList<string> symbols, SymbolLevel level) => string.Join(level == SymbolLevel.Words ? " " : "", symbols);
}
