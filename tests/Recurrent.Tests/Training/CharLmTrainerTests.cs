using Recurrent.Cells;
using Recurrent.Data.Text;
using Recurrent.Layers;
using Recurrent.Models;
using Recurrent.Tensors;
using Recurrent.Training;

namespace Recurrent.Tests.Training;

public class CharLmTrainerTests
{
    private static readonly string Text = string.Concat(Enumerable.Repeat("the quick brown fox jumps over the lazy dog. ", 60));

    private static (CharLanguageModel<float> Model, CharCorpus Corpus) Setup(CellKind cell = CellKind.Lstm, double dropout = 0)
    {
        var corpus = CharCorpus.FromText(Text, "fox");
        var model = new CharLanguageModel<float>(new CharModelConfig(corpus.Vocabulary.Count, 8, new RecurrentSpec { Cell = cell, HiddenSize = 32, Layers = 2, Dropout = dropout }), new Rng(1));
        return (model, corpus);
    }

    [Theory]
    [InlineData(CellKind.Lstm, WindowSampling.Random)]
    [InlineData(CellKind.CudnnGru, WindowSampling.Stream)]
    public void LearnsATinyCorpusInSeconds(CellKind cell, WindowSampling sampling)
    {
        var (model, corpus) = Setup(cell);
        var options = new CharLmTrainingOptions { Batch = 8, Window = 16, LearningRate = 1e-2, Steps = 150, Sampling = sampling, EvalEverySeconds = 1e9 };
        var trainer = new CharLmTrainer(model, corpus, options);
        double before = trainer.ValidationLoss();
        var outcome = trainer.Run();
        Assert.Equal(StopReason.Budget, outcome.Reason);
        Assert.Equal(150, trainer.Step);
        // ln(28) ≈ 3.3 nats for a uniform guess; a repeated sentence is nearly deterministic once learned.
        Assert.True(before > 2.5, $"initial validation loss {before}");
        Assert.True(outcome.Last.ValidationLoss < 0.6, $"validation loss after 150 steps: {outcome.Last.ValidationLoss}");
    }

    [Theory]
    [InlineData(WindowSampling.Random)]
    [InlineData(WindowSampling.Stream)]
    public void ResumingContinuesBitForBit(WindowSampling sampling)
    {
        var options = new CharLmTrainingOptions
        {
            Batch = 4, Window = 12, Steps = 24, Sampling = sampling, EvalEverySeconds = 1e9, Schedule = ScheduleKind.Cosine, WarmupSteps = 5,
        };
        var (straightModel, corpus) = Setup(dropout: 0.25);
        var straight = new CharLmTrainer(straightModel, corpus, options);
        for (int i = 0; i < 24; i++) straight.TrainStep();

        string dir = Directory.CreateTempSubdirectory("recurrent-resume").FullName;
        try
        {
            var (firstModel, _) = Setup(dropout: 0.25);
            var first = new CharLmTrainer(firstModel, corpus, options) { OutputDirectory = dir };
            for (int i = 0; i < 11; i++) first.TrainStep();
            string path = Path.Combine(dir, CharLmTrainer.LastCheckpoint);
            first.CreateCheckpoint().Save(path);

            var resumed = CharLmTrainer.Resume(path, corpus, options);
            Assert.Equal(11, resumed.Step);
            for (int i = 11; i < 24; i++) resumed.TrainStep();

            var a = straight.Model.NamedParameters();
            var b = resumed.Model.NamedParameters();
            for (int p = 0; p < a.Count; p++) Assert.Equal(a[p].Parameter.Value.ToArray(), b[p].Parameter.Value.ToArray());
            Assert.Equal(straight.ValidationLoss(), resumed.ValidationLoss());
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    [Fact]
    public void WritesBestAndLastCheckpointsAndStopsEarly()
    {
        var (model, corpus) = Setup();
        string dir = Path.Combine(Path.GetTempPath(), "recurrent-ckpt-" + Guid.NewGuid().ToString("N"));
        try
        {
            // A zero learning rate never improves: patience 2 stops after the third validation.
            var options = new CharLmTrainingOptions { Batch = 4, Window = 8, LearningRate = 1e-12, EvalEverySeconds = 1e-6, Patience = 2, Steps = 1000 };
            var trainer = new CharLmTrainer(model, corpus, options) { OutputDirectory = dir };
            var outcome = trainer.Run();
            Assert.Equal(StopReason.EarlyStopping, outcome.Reason);
            Assert.True(File.Exists(Path.Combine(dir, CharLmTrainer.BestCheckpoint)));
            Assert.True(File.Exists(Path.Combine(dir, CharLmTrainer.LastCheckpoint)));
            var (_, loaded, vocabulary) = CharLmCheckpoint.Load(Path.Combine(dir, CharLmTrainer.LastCheckpoint));
            Assert.Equal(corpus.Vocabulary, vocabulary);
            Assert.Equal(model.Decoder.Weight.Value.ToArray(), loaded.Decoder.Weight.Value.ToArray());
        }
        finally
        {
            if (Directory.Exists(dir)) Directory.Delete(dir, recursive: true);
        }
    }

    [Fact]
    public void CancellationSavesACheckpoint()
    {
        var (model, corpus) = Setup();
        string dir = Path.Combine(Path.GetTempPath(), "recurrent-cancel-" + Guid.NewGuid().ToString("N"));
        try
        {
            using var cancel = new CancellationTokenSource();
            var trainer = new CharLmTrainer(model, corpus, new CharLmTrainingOptions { Batch = 4, Window = 8, EvalEverySeconds = 1e9 })
            {
                OutputDirectory = dir,
                StepCompleted = p => { if (p.Step == 5) cancel.Cancel(); },
            };
            var outcome = trainer.Run(cancel.Token);
            Assert.Equal(StopReason.Interrupted, outcome.Reason);
            Assert.Equal(5, trainer.Step);
            var (checkpoint, _, _) = CharLmCheckpoint.Load(Path.Combine(dir, CharLmTrainer.LastCheckpoint));
            Assert.Equal(5, checkpoint.Step);
        }
        finally
        {
            if (Directory.Exists(dir)) Directory.Delete(dir, recursive: true);
        }
    }

    [Fact]
    public void ACorpusShorterThanAWindowIsRejected()
    {
        var corpus = CharCorpus.FromText("abcabcabcabc", "tiny");
        var model = new CharLanguageModel<float>(new CharModelConfig(corpus.Vocabulary.Count, 4, new RecurrentSpec { HiddenSize = 8 }), new Rng(1));
        var e = Assert.Throws<InvalidDataException>(() => new CharLmTrainer(model, corpus, new CharLmTrainingOptions { Batch = 2, Window = 64 }));
        Assert.Contains("tiny", e.Message);
    }
}
