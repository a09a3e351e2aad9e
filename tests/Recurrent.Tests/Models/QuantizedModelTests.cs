using Recurrent.Cells;
using Recurrent.Layers;
using Recurrent.Models;
using Recurrent.Tensors;

namespace Recurrent.Tests.Models;

/// <summary>
/// <c>Quantize()</c> on a trained model whose decoder streams (<see cref="RecurrentLayer{T}.Step(ReadOnlySpan{T}, RecurrentState{T}, Span{T})"/>) from the encoder's
/// final states, with attention: the int8 copy still solves the task, greedy and beam.
/// </summary>
public class QuantizedModelTests
{
    [Fact]
    public void AQuantizedSeq2SeqStillReversesSequences()
    {
        var model = new Seq2Seq<float>(new Seq2SeqConfig(Seq2SeqTests.Vocabulary, 0, Seq2SeqTests.Vocabulary,
            new RecurrentSpec { Cell = CellKind.Lstm, HiddenSize = 32 }, true, 16, MaxTargetTokens: 6), new Rng(1));
        var rng = new Rng(2);
        TinyTraining.Fit(model, 300, 0.02, (tape, _) =>
        {
            var (source, targets) = Seq2SeqTests.ReverseBatch(rng, 32);
            return model.Loss(tape, source, targets);
        });
        var (test, truth) = Seq2SeqTests.ReverseBatch(new Rng(3), 100);
        var int8 = model.Quantize();
        Assert.True(int8.Encoder.Quantized is not null && int8.Decoder.Quantized is not null);
        int Exact(int[][] output) => Enumerable.Range(0, 100).Count(b => output[b].SequenceEqual(truth.TargetRow(b)[..(truth.Lengths[b] - 1)].ToArray()));
        int floatExact = Exact(model.Generate(test));
        int greedy = Exact(int8.Generate(test));
        int beam = Exact(int8.Generate(test, new DecodeOptions { Strategy = DecodeStrategy.Beam, BeamWidth = 3 }));
        Assert.True(greedy >= floatExact - 3 && greedy >= 87, $"int8 greedy decoding got {greedy} of 100 reversals right; float32 {floatExact}.");
        Assert.True(beam >= 87, $"int8 beam search got {beam} of 100 reversals right; float32 greedy {floatExact}.");
    }
}
