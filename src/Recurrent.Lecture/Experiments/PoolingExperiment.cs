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
/// <c>pooling</c>: activity recognition (N-1) on moving-shapes clips with the lecture's two read-outs, the last step
/// ("último paso") and the mean over steps ("promedio"). Each clip is 10 frames of a 16 × 16 × 3 grid; a frame
/// encoder (linear + relu, 64 features) feeds an LSTM(64) whose pooled output a softmax head classifies into 8 activities.
/// </summary>
/// <remarks>
/// Both models start from the same weights and see the same batches; accuracy is measured on 2,000 held-out clips,
/// overall and per activity.
/// </remarks>
public static class PoolingExperiment
{
    /// <summary>The experiment's name on the command line.</summary>
    public const string Name = "pooling";

    private const int Batch = 32, Hidden = 64, FrameFeatures = 64, TestSize = 2000;

    /// <summary>Runs the experiment.</summary>
    /// <param name="settings">Seed, budget, save folder, log.</param>
    /// <returns>The tables, plots and summary.</returns>
    public static ExperimentReport Run(ExperimentSettings settings)
    {
        ArgumentNullException.ThrowIfNull(settings);
        settings.Validate();
        var clock = Stopwatch.StartNew();
        var report = new ExperimentReport(Name);
        int steps = settings.Steps ?? 10000;
        var budget = TimeSpan.FromSeconds((settings.Minutes ?? 8.0) * 60 / 2);
        var shapes = new MovingShapes();
        var test = shapes.CreateBatch(TestSize);
        shapes.Fill(new Rng(settings.Seed * 7 + 3), test);

        TimePooling[] poolings = [TimePooling.LastStep, TimePooling.Mean];
        var table = new ResultTable("Activity recognition: test accuracy on 2,000 held-out clips (8 classes, chance 12.5 %)", "pooling", "accuracy", "steps", "seconds");
        var perClass = new ResultTable("Accuracy per activity", ["pooling", .. Enum.GetNames<ShapeActivity>()]);
        var curves = new List<PlotSeries>();
        foreach (var pooling in poolings)
        {
            var model = new SequenceClassifier<float>(new SequenceClassifierConfig(shapes.FrameSize, MovingShapes.ActivityCount,
                new RecurrentSpec { Cell = CellKind.Lstm, HiddenSize = Hidden, ForgetBias = 1.0 }, pooling, FrameFeatures), new Rng(settings.Seed));
            var data = new Rng(settings.Seed * 101 + 5);
            var batch = shapes.CreateBatch(Batch);
            var xv = new Variable<float>(batch.Frames);
            string label = pooling == TimePooling.LastStep ? "last step" : "mean over steps";
            var run = new TrainingRun { Label = "pooling " + label, Steps = steps, Budget = budget, LearningRate = 2e-3, MinLearningRate = 1e-4, Log = settings.Log };
            var result = run.Fit(model, (tape, _) =>
            {
                shapes.Fill(data, batch);
                return model.Loss(tape, xv, batch.Activities);
            });
            var predicted = new int[TestSize];
            model.Predict(test.Frames, predicted);
            var right = new int[MovingShapes.ActivityCount];
            var total = new int[MovingShapes.ActivityCount];
            for (int b = 0; b < TestSize; b++)
            {
                total[test.Activities[b]]++;
                right[test.Activities[b]] += predicted[b] == test.Activities[b] ? 1 : 0;
            }
            double accuracy = right.Sum() / (double)TestSize;
            table.Add(label, Text.Percent(accuracy), Text.I(result.Steps) + (result.StoppedByBudget ? " (budget)" : ""), Text.F(result.Seconds, 1));
            perClass.Add([label, .. Enumerable.Range(0, right.Length).Select(c => Text.Percent(right[c] / (double)Math.Max(1, total[c]), 0))]);
            curves.Add(new PlotSeries(label, result.CurveSteps, result.CurveLoss));
            report.Summary.Add((pooling == TimePooling.LastStep ? "accuracy_last_step" : "accuracy_mean", Math.Round(accuracy, 4)));
            settings.Log?.Invoke(Text.Format($"pooling {label}: test accuracy {100 * accuracy:F1} % after {result.Steps} steps, {result.Seconds:F0} s"));
            if (settings.SaveDirectory is { } dir) model.Save(Path.Combine(dir, Text.Format($"activity-{(pooling == TimePooling.LastStep ? "last" : "mean")}.safetensors")));
        }
        report.Tables.Add(table);
        report.Tables.Add(perClass);
        report.Plots.Add(new PlotSpec("pooling-training", "Activity recognition: training cross-entropy", "step", "cross-entropy", curves, LogY: true));
        report.Seconds = clock.Elapsed.TotalSeconds;
        return report;
    }
}
