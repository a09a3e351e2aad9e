using Recurrent.Cells;
using Recurrent.Data.Text;
using Recurrent.Layers;
using Recurrent.Models;
using Recurrent.Tensors;
using Recurrent.Training;

namespace Recurrent.Tests.Models;

/// <summary>
/// <see cref="CharLanguageModel{T}.ScoreCarried"/> against a naive stream through the layer's one-step
/// <see cref="RecurrentLayer{T}.Step(ReadOnlySpan{T}, RecurrentState{T}, Span{T})"/>, and <see cref="CharLanguageModel{T}.ScoreWindows"/> against the trainer's
/// validation (<see cref="Evaluation.MeanLoss{TBatch}"/> over a <see cref="ValidationWindowBatcher"/>).
/// </summary>
public class CharLanguageModelScoreTests
{
    private static (CharLanguageModel<float> Model, int[] Ids) Random(CellKind cell, int hidden, int layers, int length)
    {
        const int vocabulary = 11;
        var model = new CharLanguageModel<float>(new CharModelConfig(vocabulary, 5, new RecurrentSpec { Cell = cell, HiddenSize = hidden, Layers = layers }), new Rng(3));
        var rng = new Rng(17);
        var ids = new int[length];
        for (int i = 0; i < length; i++) ids[i] = (int)(rng.NextDouble() * vocabulary);
        return (model, ids);
    }

    /// <summary>Σ −ln p(ids[t+1]) / (N − 1), one character at a time through Embedding.Lookup, Rnn.Step and Decoder.Apply.</summary>
    private static double NaiveCarried(CharLanguageModel<float> model, int[] ids)
    {
        var state = model.Rnn.CreateState(1);
        var embedded = new float[model.Config.EmbeddingSize];
        var hidden = new float[model.Config.Rnn.HiddenSize];
        var logits = new float[model.Config.VocabularySize];
        double total = 0;
        for (int t = 0; t + 1 < ids.Length; t++)
        {
            model.Embedding.Lookup(ids[t], embedded);
            model.Rnn.Step(embedded, state, hidden);
            model.Decoder.Apply(hidden, logits);
            double sum = 0;
            foreach (float z in logits) sum += Math.Exp(z);
            total += Math.Log(sum) - logits[ids[t + 1]];
        }
        return total / (ids.Length - 1);
    }

    private static void AssertRelative(double expected, double actual, double tolerance, string what) =>
        Assert.True(Math.Abs(actual - expected) <= tolerance * Math.Abs(expected), $"{what}: expected {expected:R}, got {actual:R}");

    [Theory]
    [InlineData(CellKind.Lstm, 16, 2, true)]
    [InlineData(CellKind.Lstm, 9, 1, false)]
    [InlineData(CellKind.Gru, 7, 2, true)]
    [InlineData(CellKind.CudnnGru, 8, 1, true)]
    [InlineData(CellKind.Elman, 33, 2, false)]
    public void CarriedStateEqualsANaiveStreamWhateverTheWindow(CellKind cell, int hidden, int layers, bool fused)
    {
        var (model, ids) = Random(cell, hidden, layers, 301);
        model.Rnn.UseFusedKernels = fused;
        double naive = NaiveCarried(model, ids);
        foreach (int window in new[] { 1000, 300, 64, 7, 1 })
        {
            var score = model.ScoreCarried(ids, window);
            Assert.Equal(300, score.Symbols);
            AssertRelative(naive, score.NatsPerSymbol, 1e-5, $"window {window}");
        }
        // One window from a zero state is the carried score too.
        AssertRelative(naive, model.ScoreWindows(ids, window: 300, batch: 1).NatsPerSymbol, 1e-5, "a single zero-state window");
    }

    [Theory]
    [InlineData(16, 3)]
    [InlineData(64, 64)]
    [InlineData(7, 1)]
    public void WindowsEqualTheTrainersValidation(int window, int batch)
    {
        var (model, ids) = Random(CellKind.Lstm, 12, 2, 257);
        var expected = Evaluation.MeanLoss<TextBatch>(model, model.Loss, new ValidationWindowBatcher(ids, 1, batch, window));
        var score = model.ScoreWindows(ids, window, batch);
        Assert.Equal(expected, score.NatsPerSymbol, 12);
        Assert.Equal(256, score.Symbols);
        Assert.Equal(score.NatsPerSymbol / Math.Log(2), score.BitsPerSymbol, 12);
        Assert.Equal(Math.Exp(score.NatsPerSymbol), score.Perplexity, 9);
    }

    [Fact]
    public void ScoringLeavesTheModelInItsModeAndRefusesBadIds()
    {
        var (model, ids) = Random(CellKind.Lstm, 8, 1, 40);
        Assert.True(model.IsTraining);
        model.ScoreCarried(ids);
        model.ScoreWindows(ids);
        Assert.True(model.IsTraining);
        model.Eval();
        model.ScoreCarried(ids);
        Assert.False(model.IsTraining);
        Assert.Throws<ArgumentException>(() => model.ScoreCarried([3]));
        var e = Assert.Throws<ArgumentOutOfRangeException>(() => model.ScoreWindows([1, 2, 11, 0]));
        Assert.Contains("ids[2] is 11", e.Message);
        Assert.Throws<ArgumentOutOfRangeException>(() => model.ScoreCarried(ids, window: 0));
    }

    [Fact]
    public void ALongRangeTextScoresLowerCarriedThanInZeroStateWindows()
    {
        // "aaaab" repeated: after an 'a', whether a 'b' comes depends on the a's since the last 'b', up to 4 back. A
        // zero-state window of T = 3 starts without them; the carried state has them all.
        string text = string.Concat(Enumerable.Repeat("aaaab", 200));
        var corpus = CharCorpus.FromText(text, "aaaab", validationFraction: 0);
        var model = new CharLanguageModel<float>(new CharModelConfig(corpus.Vocabulary.Count, 4, new RecurrentSpec { HiddenSize = 16 }), new Rng(5), corpus.Vocabulary);
        var windows = new RandomWindowBatcher(corpus, 8, 20, new Rng(9));
        TinyTraining.Fit(model, 250, 2e-2, (tape, _) => windows.TryNext(out var batch) ? model.Loss(tape, batch) : throw new InvalidOperationException());

        int[] ids = corpus.Vocabulary.Encode(text.AsSpan(0, 500));
        var carried = model.ScoreCarried(ids);
        var zeroState = model.ScoreWindows(ids, window: 3);
        Assert.True(carried.NatsPerSymbol < 0.1, $"carried {carried.NatsPerSymbol}");
        Assert.True(carried.NatsPerSymbol < zeroState.NatsPerSymbol - 0.1, $"carried {carried.NatsPerSymbol}, zero-state windows of 3 {zeroState.NatsPerSymbol}");
    }
}
