using System.Diagnostics;
using Recurrent.Serialization;
using Recurrent.Autodiff;
using Recurrent.Cells;
using Recurrent.Layers;
using Recurrent.Lecture.Data.Synthetic;
using Recurrent.Losses;
using Recurrent.Models;
using Recurrent.Tensors;

namespace Recurrent.Lecture.Experiments;

/// <summary>
/// <c>long-term</c>: the lecture's claim that the basic cell cannot learn long-term dependencies where LSTM and GRU can,
/// measured. Elman, LSTM and GRU learn the adding problem at T = 10, 50, 100, 200 and 400 (final test MSE against
/// the 1/6 ≈ 0.167 of always predicting 1), then the copy task at T = 100 (cross-entropy against the memoryless
/// 10·ln 8/(T + 20)); and the vanishing gradient itself, ‖∂L/∂h[t]‖ against the distance from the loss, for each cell
/// at initialisation and after training.
/// </summary>
/// <remarks>
/// Every cell sees the same batches, the same test set and the same seed at each length; H = 64, B = 32, Adam with a
/// warm-up and cosine schedule from 3·10⁻³ to 3·10⁻⁴, gradients clipped to norm 1. The LSTM's forget-gate bias
/// starts at 1 (Jozefowicz et al., 2015), the usual choice. The default budget is 4,000 steps per adding run and 1,500
/// per copy run, within 9.5 minutes of wall-clock time on 2 cores shared among the runs by their cost.
/// </remarks>
public static class LongTermExperiment
{
    /// <summary>The experiment's name on the command line.</summary>
    public const string Name = "long-term";

    private static readonly int[] Lengths = [10, 50, 100, 200, 400];
    private static readonly CellKind[] CellKinds = [CellKind.Elman, CellKind.Lstm, CellKind.Gru];
    private const int Hidden = 64, Batch = 32, TestSize = 1000, CopyDelay = 100, ProbeSteps = 200;

    /// <summary>Runs the experiment.</summary>
    /// <param name="settings">Seed, budget, save folder, log.</param>
    /// <returns>The tables, plots and summary.</returns>
    public static ExperimentReport Run(ExperimentSettings settings)
    {
        ArgumentNullException.ThrowIfNull(settings);
        settings.Validate();
        var clock = Stopwatch.StartNew();
        var report = new ExperimentReport(Name);
        int addingSteps = settings.Steps ?? 4000, copySteps = settings.Steps ?? 1500;
        // Each run's share of the budget is proportional to its estimated cost, steps × (T + a per-step overhead),
        // and what a run leaves unused passes to the next.
        const double overhead = 30;
        double totalCost = CellKinds.Length * (Lengths.Sum(t => t + overhead) * addingSteps + (CopyDelay + 20 + overhead) * copySteps) + 1000 * overhead;
        var budget = new TimeBudget((settings.Minutes ?? 9.5) * 60, totalCost);
        TimeSpan Share(int steps, int length) => budget.Next(steps * (length + overhead));

        var mse = new Dictionary<(CellKind, int), double>();
        var details = new ResultTable("Adding problem: every run", "cell", "T", "steps", "seconds", "train MSE (last window)", "test MSE");
        var curves = new List<PlotSeries>();
        var trained100 = new Dictionary<CellKind, SequenceClassifier<float>>();
        foreach (int length in Lengths)
        {
            var problem = new AddingProblem(length);
            var (testX, testY) = problem.Sample(new Rng(settings.Seed * 7919 + (ulong)length), TestSize);
            foreach (var cell in CellKinds)
            {
                var model = AddingModel(cell, settings.Seed);
                var data = new Rng(settings.Seed * 104_729 + (ulong)length); // the same batches for every cell
                var x = new Tensor<float>(Batch, length, AddingProblem.Features);
                var y = new Tensor<float>(Batch, 1);
                var xv = new Variable<float>(x);
                var run = new TrainingRun
                {
                    Label = Text.Format($"adding T={length} {Text.Name(cell)}"), Steps = addingSteps, Budget = Share(addingSteps, length),
                    LearningRate = 3e-3, MinLearningRate = 3e-4, Log = settings.Log,
                };
                var result = run.Fit(model, (tape, _) =>
                {
                    problem.Fill(data, x, y);
                    return tape.MeanSquaredError(model.Forward(tape, xv), y);
                });
                double test = TestMse(model, testX, testY);
                mse[(cell, length)] = test;
                details.Add(Text.Name(cell), Text.I(length), Text.I(result.Steps) + (result.StoppedByBudget ? " (budget)" : ""), Text.F(result.Seconds, 1), Text.F(result.FinalLoss), Text.F(test));
                settings.Log?.Invoke(Text.Format($"adding T={length} {Text.Name(cell)}: test MSE {test:F4} after {result.Steps} steps, {result.Seconds:F0} s"));
                report.Summary.Add((Text.Format($"adding_mse_{Text.Key(cell)}_T{length}"), Math.Round(test, 5)));
                if (length == 200) curves.Add(new PlotSeries(Text.Name(cell), result.CurveSteps, result.CurveLoss));
                if (length == 100) trained100[cell] = model;
                if (settings.SaveDirectory is { } dir) model.Save(Path.Combine(dir, Text.Format($"adding-{Text.Key(cell)}-T{length}.safetensors")));
            }
        }

        var table = new ResultTable("Adding problem: test MSE (1,000 held-out sequences; always predicting 1 scores 0.167)", ["cell", .. Lengths.Select(t => Text.Format($"T = {t}"))]);
        foreach (var cell in CellKinds) table.Add([Text.Name(cell), .. Lengths.Select(t => Text.F(mse[(cell, t)]))]);
        report.Tables.Add(table);
        report.Plots.Add(new PlotSpec("adding-mse", "Adding problem: test MSE after training", "T (steps)", "test MSE",
            [.. CellKinds.Select(c => new PlotSeries(Text.Name(c), [.. Lengths.Select(t => (double)t)], [.. Lengths.Select(t => mse[(c, t)])])),
             new PlotSeries("baseline 1/6", [Lengths[0], Lengths[^1]], [AddingProblem.BaselineMse, AddingProblem.BaselineMse])], LogY: true));
        report.Plots.Add(new PlotSpec("adding-training-T200", "Adding problem, T = 200: training loss", "step", "training MSE", curves, LogY: true));

        CopyTaskRuns.Run(report, settings, copySteps, CellKinds, Hidden, Batch, CopyDelay, () => Share(copySteps, CopyDelay + 20));
        Probe(report, settings.Seed, trained100);
        report.Tables.Add(details);
        Observe(report, mse);
        report.Seconds = clock.Elapsed.TotalSeconds;
        return report;
    }

    private static SequenceClassifier<float> AddingModel(CellKind cell, ulong seed) =>
        new(new SequenceClassifierConfig(AddingProblem.Features, 1, new RecurrentSpec { Cell = cell, HiddenSize = Hidden, ForgetBias = cell == CellKind.Lstm ? 1.0 : null }), new Rng(seed));

    private static double TestMse(SequenceClassifier<float> model, Tensor<float> x, Tensor<float> y)
    {
        var tape = new Tape<float>();
        return tape.MeanSquaredError(model.Forward(tape, new Variable<float>(x)), y).Value[0];
    }

    /// <summary>‖∂L/∂h[t]‖ against the distance from the loss: at initialisation (T = 200) and after training at T = 100.</summary>
    private static void Probe(ExperimentReport report, ulong seed, Dictionary<CellKind, SequenceClassifier<float>> trained)
    {
        var (x, y) = new AddingProblem(ProbeSteps).Sample(new Rng(seed + 31), Batch);
        var (x100, y100) = new AddingProblem(100).Sample(new Rng(seed + 37), Batch);
        var table = new ResultTable("Vanishing gradient: mean ‖∂L/∂h[t]‖ at distance d = T − 1 − t from the loss",
            "cell", "model", "d = 0", "d = 10", "d = 50", "d = 99", "d = 199", "‖g(d=99)‖ / ‖g(0)‖");
        var atInit = new List<PlotSeries>();
        var afterTraining = new List<PlotSeries>();
        foreach (var cell in CellKinds)
        {
            double[] init = GradientProbe.Norms(AddingModel(cell, seed), x, y);
            atInit.Add(Series(Text.Name(cell), init));
            table.Add(Text.Name(cell), "initial, T = 200", Text.G(init[0]), Text.G(init[10]), Text.G(init[50]), Text.G(init[99]), Text.G(init[199]), Text.G(init[99] / init[0]));
            report.Summary.Add((Text.Format($"grad_ratio_d99_{Text.Key(cell)}_init"), init[99] / init[0]));
            if (!trained.TryGetValue(cell, out var model)) continue;
            double[] after = GradientProbe.Norms(model, x100, y100);
            afterTraining.Add(Series(Text.Name(cell), after));
            table.Add(Text.Name(cell), "trained, T = 100", Text.G(after[0]), Text.G(after[10]), Text.G(after[50]), Text.G(after[99]), "—", Text.G(after[99] / after[0]));
            report.Summary.Add((Text.Format($"grad_ratio_d99_{Text.Key(cell)}_trained"), after[99] / after[0]));
        }
        report.Tables.Add(table);
        report.Plots.Add(new PlotSpec("vanishing-gradient-init", "‖∂L/∂h[t]‖ at initialisation (adding problem, T = 200)", "distance from the loss, T − 1 − t", "mean ‖∂L/∂h[t]‖", atInit, LogY: true));
        report.Plots.Add(new PlotSpec("vanishing-gradient-trained", "‖∂L/∂h[t]‖ after training (adding problem, T = 100)", "distance from the loss, T − 1 − t", "mean ‖∂L/∂h[t]‖", afterTraining, LogY: true));
    }

    private static PlotSeries Series(string label, double[] norms)
    {
        var d = new List<double>();
        var g = new List<double>();
        for (int i = 0; i < norms.Length; i++)
        {
            if (norms[i] <= 0 || !double.IsFinite(norms[i])) continue; // a log axis cannot show 0 (an underflowed gradient)
            d.Add(i);
            g.Add(norms[i]);
        }
        return new PlotSeries(label, [.. d], [.. g]);
    }

    private static void Observe(ExperimentReport report, Dictionary<(CellKind, int), double> mse)
    {
        const double solved = 0.1 * AddingProblem.BaselineMse;
        foreach (var cell in CellKinds)
        {
            var learnt = Lengths.Where(t => mse[(cell, t)] < solved).ToArray();
            report.Notes.Add(learnt.Length == 0
                ? Text.Format($"{Text.Name(cell)} stayed above a tenth of the baseline (0.0167) at every length.")
                : Text.Format($"{Text.Name(cell)} went below a tenth of the baseline (0.0167) at T = {string.Join(", ", learnt)}."));
        }
        foreach (int length in Lengths)
        {
            var best = CellKinds.MinBy(c => mse[(c, length)]);
            if (mse[(best, length)] < 0.5 * AddingProblem.BaselineMse) report.Notes.Add(Text.Format($"Lowest test MSE at T = {length}: {Text.Name(best)} ({mse[(best, length)]:F4})."));
            else report.Notes.Add(Text.Format($"At T = {length} no cell got below half the baseline within the budget."));
        }
    }
}
