using Recurrent.Autodiff;
using Recurrent.Cells;
using Recurrent.Layers;
using Recurrent.Losses;
using Recurrent.Optimizers;
using Recurrent.Tensors;
using Recurrent.Training;

namespace Recurrent.Tests.Docs;

/// <summary>The C# example of README.md, kept compiling and working.</summary>
public class ReadmeExampleTests
{
    [Fact]
    public void TheReadmeExampleLearnsToClassifySequences()
    {
        // --- README example start ---
        var rng = new Rng(42);
        var spec = new RecurrentSpec { Cell = CellKind.Lstm, HiddenSize = 16, Layers = 2, Bidirectional = true };
        var lstm = new RecurrentLayer<float>(inputSize: 3, spec, rng);
        var head = new Linear<float>(lstm.OutputSize, 2, rng);          // the lecture's softmax classifier on top
        var parameters = lstm.NamedParameters().Concat(head.NamedParameters().Select(p => ("head." + p.Name, p.Parameter))).ToList();
        var optimizer = new Adam<float>(parameters, new AdamOptions { LearningRate = 1e-2 });
        var tape = new Tape<float>();

        // N-1: 8 sequences of 5 steps with 3 features; label 1 when the first feature sums above 0.
        var x = Tensor.Normal<float>(rng, 0, 1, 8, 5, 3);
        int[] labels = Enumerable.Range(0, 8).Select(b => Enumerable.Range(0, 5).Sum(t => x[b, t, 0]) > 0 ? 1 : 0).ToArray();
        float loss = float.NaN;
        for (int step = 0; step < 100; step++)
        {
            tape.Reset();
            optimizer.ZeroGrad();
            var states = lstm.Forward(tape, new Variable<float>(x));             // (8, 5, 32), fused LSTM kernels
            var last = tape.SelectStep(states.Output, 4, batchFirst: true);     // the last step, (8, 32)
            var logits = head.Forward(tape, last);
            var l = tape.SoftmaxCrossEntropy(logits, labels);
            tape.Backward(l);                                                  // backpropagation through time
            GradientClipping.ClipByGlobalNorm(parameters, 5);
            optimizer.Step();
            loss = l.Value[0];
        }
        // --- README example end ---
        Assert.True(loss < 0.05f, $"loss after 100 steps: {loss}");
    }
}
