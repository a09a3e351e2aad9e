using Recurrent.Serialization;
using Recurrent.Autodiff;
using Recurrent.Cells;
using Recurrent.Layers;
using Recurrent.Lecture.Data.Synthetic;
using Recurrent.Models;
using Recurrent.Tensors;

namespace Recurrent.Lecture.Experiments;

/// <summary>
/// The copy task part of <see cref="LongTermExperiment"/>: a <see cref="SequenceTagger{T}"/> per cell reads one-hot
/// symbols and must write the first 10 back after the delimiter; scored by cross-entropy per step against the
/// memoryless baseline and by the accuracy of the 10 copied symbols.
/// </summary>
internal static class CopyTaskRuns
{
    private const int TestSize = 500;

    public static void Run(ExperimentReport report, ExperimentSettings settings, int steps, CellKind[] cells, int hidden, int batch, int delay, Func<TimeSpan> budget)
    {
        var task = new CopyTask(delay);
        var (testInputs, testTargets) = task.Sample(new Rng(settings.Seed * 31 + 7), TestSize);
        var testX = OneHot(testInputs, TestSize, task.Length);
        var table = new ResultTable(Text.Format($"Copy task, T = {delay}: test cross-entropy per step (memoryless baseline {task.BaselineCrossEntropy:F4}) and accuracy of the 10 copied symbols (chance 12.5 %)"),
            "cell", "test cross-entropy", "copied symbols right", "steps", "seconds");
        var curves = new List<PlotSeries>();
        foreach (var cell in cells)
        {
            var model = new SequenceTagger<float>(new SequenceTaggerConfig(CopyTask.Classes, CopyTask.Classes,
                new RecurrentSpec { Cell = cell, HiddenSize = hidden, ForgetBias = cell == CellKind.Lstm ? 1.0 : null }), new Rng(settings.Seed));
            var data = new Rng(settings.Seed * 613 + 1);
            var inputs = new int[batch * task.Length];
            var targets = new int[batch * task.Length];
            var x = new Tensor<float>(batch, task.Length, CopyTask.Classes);
            var xv = new Variable<float>(x);
            var run = new TrainingRun
            {
                Label = Text.Format($"copy T={delay} {Text.Name(cell)}"), Steps = steps, Budget = budget(), LearningRate = 3e-3, MinLearningRate = 3e-4, Log = settings.Log,
            };
            var result = run.Fit(model, (tape, _) =>
            {
                task.Fill(data, inputs, targets);
                OneHot(inputs, x);
                return model.Loss(tape, xv, targets);
            });
            var tapeEval = new Tape<float>();
            double loss = model.Loss(tapeEval, new Variable<float>(testX), testTargets).Value[0];
            var predicted = new int[TestSize * task.Length];
            model.Predict(testX, predicted);
            int right = 0;
            for (int b = 0; b < TestSize; b++)
            {
                for (int i = task.Length - CopyTask.CopyLength; i < task.Length; i++) right += predicted[b * task.Length + i] == testTargets[b * task.Length + i] ? 1 : 0;
            }
            double accuracy = right / (double)(TestSize * CopyTask.CopyLength);
            table.Add(Text.Name(cell), Text.F(loss), Text.Percent(accuracy), Text.I(result.Steps) + (result.StoppedByBudget ? " (budget)" : ""), Text.F(result.Seconds, 1));
            curves.Add(new PlotSeries(Text.Name(cell), result.CurveSteps, result.CurveLoss));
            report.Summary.Add((Text.Format($"copy_ce_{Text.Key(cell)}_T{delay}"), Math.Round(loss, 5)));
            report.Summary.Add((Text.Format($"copy_accuracy_{Text.Key(cell)}_T{delay}"), Math.Round(accuracy, 4)));
            settings.Log?.Invoke(Text.Format($"copy T={delay} {Text.Name(cell)}: test CE {loss:F4}, copied symbols {100 * accuracy:F1} %"));
            if (settings.SaveDirectory is { } dir) model.Save(Path.Combine(dir, Text.Format($"copy-{Text.Key(cell)}-T{delay}.safetensors")));
        }
        curves.Add(new PlotSeries("memoryless baseline", [1, steps], [task.BaselineCrossEntropy, task.BaselineCrossEntropy]));
        report.Tables.Add(table);
        report.Summary.Add(("copy_baseline", Math.Round(task.BaselineCrossEntropy, 5)));
        report.Plots.Add(new PlotSpec("copy-training", Text.Format($"Copy task, T = {delay}: training cross-entropy"), "step", "cross-entropy per step", curves, LogY: true));
    }

    private static Tensor<float> OneHot(int[] ids, int batch, int steps)
    {
        var x = new Tensor<float>(batch, steps, CopyTask.Classes);
        OneHot(ids, x);
        return x;
    }

    private static void OneHot(int[] ids, Tensor<float> x)
    {
        x.Clear();
        Span<float> s = x.Span;
        for (int i = 0; i < ids.Length; i++) s[i * CopyTask.Classes + ids[i]] = 1;
    }
}
