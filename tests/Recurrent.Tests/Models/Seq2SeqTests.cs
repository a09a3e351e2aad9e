using Recurrent.Serialization;
using Recurrent.Autodiff;
using Recurrent.Cells;
using Recurrent.Data;
using Recurrent.Layers;
using Recurrent.Models;
using Recurrent.Tensors;
using Recurrent.Tests.Serialization;
using static Recurrent.Tests.Autodiff.GradAssert;

namespace Recurrent.Tests.Models;

public class Seq2SeqTests
{
    internal const int Words = 4, Vocabulary = 3 + Words, MaxLength = 4;

    /// <summary>Sources of 2 to 4 words, padded; the target is the source reversed.</summary>
    internal static (SourceBatch<float> Source, DecoderSequences Targets) ReverseBatch(Rng rng, int batch)
    {
        var ids = new int[batch * MaxLength];
        var lengths = new int[batch];
        var targets = new DecoderSequences(batch, MaxLength);
        for (int b = 0; b < batch; b++)
        {
            lengths[b] = 2 + rng.Next(MaxLength - 1);
            var row = ids.AsSpan(b * MaxLength, lengths[b]);
            for (int t = 0; t < row.Length; t++) row[t] = 3 + rng.Next(Words);
            var reversed = row.ToArray();
            Array.Reverse(reversed);
            targets.SetRow(b, reversed);
        }
        return (SourceBatch<float>.FromIds(ids, batch, lengths), targets);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void LearnsToReverseVariableLengthSequences(bool attention)
    {
        var model = new Seq2Seq<float>(new Seq2SeqConfig(Vocabulary, 0, Vocabulary, new RecurrentSpec { Cell = CellKind.Lstm, HiddenSize = 32 }, attention, 16, MaxTargetTokens: 6), new Rng(1));
        var rng = new Rng(2);
        double loss = TinyTraining.Fit(model, 300, 0.02, (tape, _) =>
        {
            var (source, targets) = ReverseBatch(rng, 32);
            return model.Loss(tape, source, targets);
        });
        Assert.True(loss < 0.1, $"cross-entropy {loss:F3} per token; expected < 0.1 (chance is ln 7 = 1.95)");

        var (test, truth) = ReverseBatch(new Rng(3), 100);
        var greedy = model.Generate(test);
        var beam = model.Generate(test, new DecodeOptions { Strategy = DecodeStrategy.Beam, BeamWidth = 3 });
        int Exact(int[][] output) => Enumerable.Range(0, 100).Count(b => output[b].SequenceEqual(truth.TargetRow(b)[..(truth.Lengths[b] - 1)].ToArray()));
        Assert.True(Exact(greedy) >= 90, $"greedy decoding got {Exact(greedy)} of 100 reversals exactly right; expected ≥ 90");
        Assert.True(Exact(beam) >= 90, $"beam search got {Exact(beam)} of 100 reversals exactly right; expected ≥ 90");
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void StepDecodingReproducesTheTeacherForcedScores(bool attention)
    {
        var model = new Seq2Seq<float>(new Seq2SeqConfig(0, 5, Vocabulary, new RecurrentSpec { Cell = CellKind.Gru, HiddenSize = 8, Layers = 2 }, attention, 6, FrameEncoderSize: 7), new Rng(4));
        var rng = new Rng(5);
        var (_, targets) = ReverseBatch(rng, 3);
        var source = SourceBatch<float>.FromFeatures(Tensor.Uniform<float>(rng, -1, 1, 3, 6, 5), [6, 2, 4]);
        var logits = model.Forward(new Tape<float>(), source, targets.Inputs).Value;
        StepDecodingAssert.Matches(model.CreateStepDecoder(source), logits, targets);
    }

    [Fact]
    public void AttentionGradientsMatchFiniteDifferences()
    {
        var rng = new Rng(6);
        var attention = new LuongAttention<double>(3, rng);
        var decoder = Param(rng, "h", 2, 4, 3);
        var encoder = Param(rng, "h̄", 2, 5, 3);
        var r = Random(rng, 2, 4, 3);
        Check(t => Project(t, attention.Forward(t, decoder, encoder, [5, 2]), r), [decoder, encoder, .. attention.Parameters()]);
    }

    [Fact]
    public void SavesAndLoadsItsWeightsAndConfiguration()
    {
        var model = new Seq2Seq<float>(new Seq2SeqConfig(Vocabulary, 0, Vocabulary, new RecurrentSpec { Cell = CellKind.Lstm, HiddenSize = 8 }, Attention: true), new Rng(7));
        var (source, _) = ReverseBatch(new Rng(8), 4);
        using var folder = new TemporaryFolder();
        model.Save(folder.File("seq2seq.safetensors"));
        var loaded = Seq2Seq<float>.Load(folder.File("seq2seq.safetensors"));
        Assert.Equal(model.Config, loaded.Config);
        Assert.Equal(model.Generate(source), loaded.Generate(source));
    }
}
