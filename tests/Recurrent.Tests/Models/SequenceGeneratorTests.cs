using Recurrent.Serialization;
using Recurrent.Autodiff;
using Recurrent.Cells;
using Recurrent.Data;
using Recurrent.Layers;
using Recurrent.Models;
using Recurrent.Tensors;
using Recurrent.Tests.Serialization;

namespace Recurrent.Tests.Models;

public class SequenceGeneratorTests
{
    private const int Classes = 4, Vocabulary = 3 + Classes;

    /// <summary>Class c (a one-hot vector) is described by the words c, c + 1, c (mod 4).</summary>
    private static int[] Sentence(int c) => [3 + c, 3 + (c + 1) % Classes, 3 + c];

    private static (Tensor<float> Features, DecoderSequences Targets) Batch(Rng rng, int batch)
    {
        var features = new Tensor<float>(batch, Classes);
        var targets = new DecoderSequences(batch, 4);
        for (int b = 0; b < batch; b++)
        {
            int c = rng.Next(Classes);
            features[b, c] = 1;
            targets.SetRow(b, Sentence(c));
        }
        return (features, targets);
    }

    [Theory]
    [InlineData(Conditioning.InitialState, CellKind.Lstm)]
    [InlineData(Conditioning.EveryStep, CellKind.Gru)]
    public void LearnsToDescribeAVector(Conditioning conditioning, CellKind cell)
    {
        var model = new SequenceGenerator<float>(new SequenceGeneratorConfig(Classes, Vocabulary, new RecurrentSpec { Cell = cell, HiddenSize = 16 }, conditioning, 8, 8, MaxTokens: 6), new Rng(1));
        var rng = new Rng(2);
        double loss = TinyTraining.Fit(model, 150, 0.03, (tape, _) =>
        {
            var (features, targets) = Batch(rng, 16);
            return model.Loss(tape, new Variable<float>(features), targets);
        });
        Assert.True(loss < 0.05, $"cross-entropy {loss:F3} per token; expected < 0.05");

        var all = new Tensor<float>(Classes, Classes);
        for (int c = 0; c < Classes; c++) all[c, c] = 1;
        var greedy = model.Generate(all);
        var beam = model.Generate(all, new DecodeOptions { Strategy = DecodeStrategy.Beam, BeamWidth = 3 });
        var sampled = model.Generate(all, new DecodeOptions { Strategy = DecodeStrategy.Sample, Temperature = 0.5 });
        for (int c = 0; c < Classes; c++)
        {
            Assert.Equal(Sentence(c), greedy[c]);
            Assert.Equal(Sentence(c), beam[c]);
            Assert.Equal(Sentence(c), sampled[c]);
        }
    }

    [Fact]
    public void StepDecodingReproducesTheTeacherForcedScores()
    {
        foreach (var conditioning in new[] { Conditioning.InitialState, Conditioning.EveryStep })
        {
            var model = new SequenceGenerator<float>(new SequenceGeneratorConfig(Classes, Vocabulary, new RecurrentSpec { Cell = CellKind.Lstm, HiddenSize = 8, Layers = 2 }, conditioning, 5, 6), new Rng(3));
            var (features, targets) = Batch(new Rng(4), 3);
            var logits = model.Forward(new Tape<float>(), new Variable<float>(features), targets.Inputs).Value;
            StepDecodingAssert.Matches(model.CreateStepDecoder(features), logits, targets);
        }
    }

    [Fact]
    public void BeamSearchOfWidthOneIsGreedyDecoding()
    {
        var model = new SequenceGenerator<float>(new SequenceGeneratorConfig(Classes, Vocabulary, new RecurrentSpec { Cell = CellKind.Gru, HiddenSize = 8 }, MaxTokens: 7), new Rng(5));
        var features = Tensor.Uniform<float>(new Rng(6), 0, 1, 5, Classes);
        Assert.Equal(model.Generate(features), model.Generate(features, new DecodeOptions { Strategy = DecodeStrategy.Beam, BeamWidth = 1 }));
        Assert.All(model.Generate(features, new DecodeOptions { Strategy = DecodeStrategy.Beam, BeamWidth = 4 }), s => Assert.True(s.Length <= 7));
    }

    [Fact]
    public void SavesAndLoadsItsWeightsAndConfiguration()
    {
        var model = new SequenceGenerator<float>(new SequenceGeneratorConfig(Classes, Vocabulary, new RecurrentSpec { Cell = CellKind.Lstm, HiddenSize = 8 }), new Rng(7));
        var features = Tensor.Uniform<float>(new Rng(8), 0, 1, 3, Classes);
        using var folder = new TemporaryFolder();
        model.Save(folder.File("generator.safetensors"));
        var loaded = SequenceGenerator<float>.Load(folder.File("generator.safetensors"));
        Assert.Equal(model.Config, loaded.Config);
        Assert.Equal(model.Generate(features), loaded.Generate(features));
    }
}
