using Recurrent.Data;
using Recurrent.Models;
using Recurrent.Tensors;

namespace Recurrent.Tests.Models;

/// <summary>Feeds the gold decoder inputs one at a time and compares each step's log-probabilities with the teacher-forced logits.</summary>
public static class StepDecodingAssert
{
    internal static void Matches(IStepDecoder decoder, Tensor<float> logits, DecoderSequences targets)
    {
        int rows = targets.Rows, steps = targets.Steps, v = decoder.Vocabulary;
        decoder.Start(1);
        var tokens = new int[rows];
        var logp = new double[rows * v];
        for (int t = 0; t < steps; t++)
        {
            for (int b = 0; b < rows; b++) tokens[b] = targets.Inputs[b * steps + t];
            decoder.Step(tokens, logp);
            for (int b = 0; b < rows; b++)
            {
                var z = logits.Span.Slice((b * steps + t) * v, v).ToArray().Select(x => (double)x).ToArray();
                double max = z.Max(), log = Math.Log(z.Sum(x => Math.Exp(x - max))) + max;
                for (int i = 0; i < v; i++) Assert.Equal(z[i] - log, logp[b * v + i], 4);
            }
        }
    }
}
