using System.Diagnostics;
using Recurrent.Serialization;
using Recurrent.Autodiff;
using Recurrent.Cells;
using Recurrent.Layers;
using Recurrent.Lecture.Data.Video;
using Recurrent.Models;
using Recurrent.Tensors;

namespace Recurrent.Lecture.Experiments;

/// <summary>
/// <c>captioning</c>: the lecture's one-to-many (1-N) task. A <see cref="SequenceGenerator{T}"/> reads the first frame of
/// a moving-shapes clip (16 × 16 × 3 values, through a linear + relu encoder) into the initial state of an LSTM(128)
/// that writes its caption, such as "blue plus top center and red square bottom right". Scored on 1,000 held-out
/// frames by exact match and per-token accuracy, with greedy decoding and beam search (K = 3).
/// </summary>
public static class CaptioningExperiment
{
    /// <summary>The experiment's name on the command line.</summary>
    public const string Name = "captioning";

    private const int Batch = 32, Hidden = 128, TestSize = 1000;

    /// <summary>Runs the experiment.</summary>
    /// <param name="settings">Seed, budget, save folder, log.</param>
    /// <returns>The tables, plots and summary.</returns>
    public static ExperimentReport Run(ExperimentSettings settings)
    {
        ArgumentNullException.ThrowIfNull(settings);
        settings.Validate();
        var clock = Stopwatch.StartNew();
        var report = new ExperimentReport(Name);
        int steps = settings.Steps ?? 20000;
        var shapes = new MovingShapes();
        var model = new SequenceGenerator<float>(new SequenceGeneratorConfig(shapes.FrameSize, MovingShapes.Vocabulary.Count,
            new RecurrentSpec { Cell = CellKind.Lstm, HiddenSize = Hidden, ForgetBias = 1.0 }, Conditioning.InitialState, 32, 128, MovingShapes.MaxCaptionWords), new Rng(settings.Seed));
        var data = new Rng(settings.Seed * 131 + 7);
        var batch = shapes.CreateBatch(Batch);
        var frames = new Tensor<float>(Batch, shapes.FrameSize);
        var fv = new Variable<float>(frames);
        var run = new TrainingRun
        {
            Label = "captioning", Steps = steps, Budget = TimeSpan.FromMinutes(settings.Minutes ?? 8.0), LearningRate = 2e-3, MinLearningRate = 1e-4, Log = settings.Log,
        };
        var result = run.Fit(model, (tape, _) =>
        {
            shapes.Fill(data, batch);
            FirstFrames(batch, frames);
            return model.Loss(tape, fv, batch.Captions);
        });

        var test = shapes.CreateBatch(TestSize);
        shapes.Fill(new Rng(settings.Seed * 7 + 3), test);
        var testFrames = new Tensor<float>(TestSize, shapes.FrameSize);
        FirstFrames(test, testFrames);
        var table = new ResultTable("Captioning the first frame: 1,000 held-out frames", "decoding", "exact match", "per token", "steps", "seconds");
        foreach (var (label, options) in new[] { ("greedy", new DecodeOptions()), ("beam K = 3", new DecodeOptions { Strategy = DecodeStrategy.Beam, BeamWidth = 3 }) })
        {
            var outputs = model.Generate(testFrames, options);
            var scores = new SequenceScores();
            scores.Add(outputs, test.Captions, TestSize);
            table.Add(label, Text.Percent(scores.ExactMatch), Text.Percent(scores.TokenAccuracy), Text.I(result.Steps) + (result.StoppedByBudget ? " (budget)" : ""), Text.F(result.Seconds, 0));
            string key = options.Strategy == DecodeStrategy.Greedy ? "greedy" : "beam";
            report.Summary.Add(($"exact_match_{key}", Math.Round(scores.ExactMatch, 4)));
            report.Summary.Add(($"token_accuracy_{key}", Math.Round(scores.TokenAccuracy, 4)));
            if (options.Strategy == DecodeStrategy.Greedy) ClipExamples.Add(report.Examples, "greedy captions:", outputs, test.Captions);
            settings.Log?.Invoke(Text.Format($"captioning {label}: exact match {100 * scores.ExactMatch:F1} %, per token {100 * scores.TokenAccuracy:F1} %"));
        }
        report.Tables.Add(table);
        report.Plots.Add(new PlotSpec("captioning-training", "Captioning: training cross-entropy per token", "step", "cross-entropy", [new PlotSeries("LSTM(128), initial-state conditioning", result.CurveSteps, result.CurveLoss)], LogY: true));
        if (settings.SaveDirectory is { } dir) model.Save(Path.Combine(dir, "captioning.safetensors"));
        report.Seconds = clock.Elapsed.TotalSeconds;
        return report;
    }

    /// <summary>Copies frame 0 of every clip into <paramref name="frames"/>, <c>(B, F)</c>.</summary>
    private static void FirstFrames(MovingShapesBatch batch, Tensor<float> frames)
    {
        int f = frames.Dim(1), clip = batch.Frames.Dim(1) * f;
        for (int b = 0; b < batch.BatchSize; b++) batch.Frames.Span.Slice(b * clip, f).CopyTo(frames.Span.Slice(b * f, f));
    }
}
