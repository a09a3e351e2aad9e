using Recurrent.Cells;
using Recurrent.Data;
using Recurrent.Data.Text;
using Recurrent.Layers;
using Recurrent.Models;
using Recurrent.Tensors;
using Recurrent.Training;
using Xunit.Abstractions;

namespace Recurrent.Tests.Distributed;

/// <summary>
/// The key property of data-parallel training: N ranks with a global batch of B rows end with the parameters that one
/// process with the same batch reaches (up to float rounding), with Adam and active gradient clipping, dropout off.
/// </summary>
public class DataParallelEquivalenceTests(ITestOutputHelper output)
{
    private const double Tolerance = 1e-5;
    private static readonly string Text = string.Concat(Enumerable.Repeat("the quick brown fox jumps over the lazy dog. ", 40));

    internal static CharLanguageModel<float> CharModel(CharCorpus corpus, CellKind cell) =>
        new(new CharModelConfig(corpus.Vocabulary.Count, 8, new RecurrentSpec { Cell = cell, HiddenSize = 16, Layers = 2 }), new Rng(1), corpus.Vocabulary);

    internal static CharCorpus Corpus() => CharCorpus.FromText(Text, "fox");

    internal static IBatchSource<TextBatch> Windows(CharCorpus corpus, bool stream, int batch) =>
        stream ? new StreamBatcher(corpus, batch, 10) : new RandomWindowBatcher(corpus, batch, 10, new Rng(7));

    internal static TrainerOptions Options => new() { Steps = 8, LearningRate = 1e-2, ClipNorm = 0.5, MaxThreads = 1, ProgressInterval = TimeSpan.Zero };

    internal static float[][] Parameters<T>(Module<T> model) where T : unmanaged, System.Numerics.IFloatingPointIeee754<T> =>
        model.NamedParameters().Select(p => p.Parameter.Value.ToArray().Select(v => float.CreateTruncating(v)).ToArray()).ToArray();

    [Theory]
    [InlineData(CellKind.Lstm, 2, false)]
    [InlineData(CellKind.Lstm, 3, true)]
    [InlineData(CellKind.CudnnGru, 2, true)]
    [InlineData(CellKind.Gru, 3, false)]
    public void CharLanguageModelMatchesOneProcess(CellKind cell, int ranks, bool stream)
    {
        var corpus = Corpus();
        const int batch = 7;                                   // uneven shards for 2 and 3 ranks
        var single = CharModel(corpus, cell);
        new Trainer<TextBatch>(single, single.Loss, Options).Fit(Windows(corpus, stream, batch));
        var expected = Parameters(single);

        var results = Ranks.Run(ranks, group =>
        {
            var model = CharModel(corpus, cell);
            var trainer = new Trainer<TextBatch>(model, model.Loss, Options with { ProcessGroup = group });
            trainer.Fit(Windows(corpus, stream, batch));
            Assert.Equal(8, trainer.Step);
            return Parameters(model);
        });

        for (int r = 1; r < ranks; r++) Assert.Equal(0, Ranks.MaxDifference(results[0], results[r]));
        double difference = Ranks.MaxDifference(expected, results[0]);
        output.WriteLine($"{cell}, {ranks} ranks, {(stream ? "stream" : "random windows")}: max |Δ| = {difference:e2}");
        Assert.True(difference <= Tolerance, $"max |Δ| = {difference:e2} after 8 steps; expected at most {Tolerance:e0}");
        Assert.True(Ranks.MaxDifference(expected, Parameters(CharModel(corpus, cell))) > 1e-3, "the run did not move the weights");
    }
}
