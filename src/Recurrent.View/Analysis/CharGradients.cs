using Recurrent.Layers;
using Recurrent.Losses;
using Recurrent.Models;
using Recurrent.Tensors;

namespace Recurrent.View.Analysis;

/// <summary>
/// The gradient flow of a char-LM over a text, as the lecture's long-term experiment measures it
/// (<see cref="GradientFlow.StateGradientNorms"/>): the loss is the cross-entropy of the text's last character predicted
/// after the ones before it, and <c>‖∂L/∂h[t]‖</c> is read for every layer against the distance T − 1 − t.
/// </summary>
internal static class CharGradients
{
    /// <summary>The norms <c>[layer][d]</c> for input <c>text[..^1]</c> and target <c>text[^1]</c>.</summary>
    public static double[][] Norms(CharLanguageModel<float> model, string text)
    {
        int[] ids = model.Vocabulary!.Encode(text);
        int steps = ids.Length - 1, e = model.Config.EmbeddingSize;
        var x = new Tensor<float>(1, steps, e);                        // (1, T, E)
        for (int t = 0; t < steps; t++) model.Embedding.Lookup(ids[t], x.Span.Slice(t * e, e));
        int[] target = [ids[^1]];
        model.ZeroGrad();
        try
        {
            return GradientFlow.StateGradientNorms(model.Rnn, x, (tape, last) => tape.SoftmaxCrossEntropy(model.Decoder.Forward(tape, last), target));
        }
        finally
        {
            model.ZeroGrad();
        }
    }
}
