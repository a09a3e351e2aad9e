using System.Diagnostics;
using Recurrent.Autodiff;
using Recurrent.Cells;
using Recurrent.Models;
using Recurrent.Tensors;

namespace Recurrent.Experiments;

/// <summary>
/// <c>feedback</c>: the lecture's three kinds of feedback, state (Elman), output (Jordan) and both (Elman–Jordan),
/// compared on two N-N tasks where the difference shows. In <b>echo</b> the label of step t is the symbol read two steps
/// before, <c>y[t] = x[t−2]</c>: the network must hold the last two inputs, which are not what it outputs, so a
/// Jordan cell, whose only memory is its previous output ŷ[t] ≈ x[t−2], has nothing to carry x[t−1] in. In <b>count</b>
/// the label is the running sum of the inputs modulo 3, <c>y[t] = (y[t−1] + x[t]) mod 3</c>: the previous output is
/// exactly the state needed, and output feedback suffices.
/// </summary>
/// <remarks>
/// All three cells have the same output layer ŷ = tanh(W_yh·h + b_y) of size O = K (the number of symbols), read by
/// a linear softmax head; H = 32, T = 20, B = 32, one-hot inputs. Jordan and Elman–Jordan run the reference
/// (per-step) path, so Elman does too, for a like-for-like comparison.
/// </remarks>
public static class FeedbackExperiment
{
    /// <summary>The experiment's name on the command line.</summary>
    public const string Name = "feedback";

    private static readonly CellKind[] CellKinds = [CellKind.Elman, CellKind.Jordan, CellKind.ElmanJordan];
    private const int Steps = 20, Batch = 32, Hidden = 32, TestSize = 500, Delay = 2;

    /// <summary>Runs the experiment.</summary>
    /// <param name="settings">Seed, budget, save folder, log.</param>
    /// <returns>The tables, plots and summary.</returns>
    public static ExperimentReport Run(ExperimentSettings settings)
    {
        ArgumentNullException.ThrowIfNull(settings);
        settings.Validate();
        var clock = Stopwatch.StartNew();
        var report = new ExperimentReport(Name);
        int steps = settings.Steps ?? 2500;
        var budget = TimeSpan.FromSeconds((settings.Minutes ?? 8.0) * 60 / (2 * CellKinds.Length));
        var table = new ResultTable(Text.Format($"Per-step test accuracy (500 held-out sequences of T = {Steps}); chance is 1/K"),
            "cell", "echo y[t] = x[t−2] (K = 4)", "count y[t] = Σx mod 3 (K = 3)", "echo: sequences all right", "count: sequences all right");
        var plots = new Dictionary<string, List<PlotSeries>> { ["echo"] = [], ["count"] = [] };
        foreach (var cell in CellKinds)
        {
            var cells = new List<string> { Text.Name(cell) };
            var whole = new List<string>();
            foreach (string task in new[] { "echo", "count" })
            {
                int symbols = task == "echo" ? 4 : 3;
                var model = new SequenceTagger<float>(new SequenceTaggerConfig(symbols, symbols, new RecurrentSpec(cell, Hidden, CellOutputSize: symbols)), new Rng(settings.Seed));
                var data = new Rng(settings.Seed * 977 + (ulong)symbols);
                var x = new Tensor<float>(Batch, Steps, symbols);
                var labels = new int[Batch * Steps];
                var xv = new Variable<float>(x);
                var run = new TrainingRun
                {
                    Label = Text.Format($"{task} {Text.Name(cell)}"), Steps = steps, Budget = budget, LearningRate = 3e-3, MinLearningRate = 3e-4, Log = settings.Log,
                };
                var result = run.Fit(model, (tape, _) =>
                {
                    Fill(task, data, x, labels);
                    return model.Loss(tape, xv, labels);
                });
                var (perStep, perSequence) = Evaluate(model, task, symbols, new Rng(settings.Seed * 31 + (ulong)symbols));
                cells.Add(Text.Percent(perStep) + (result.StoppedByBudget ? Text.Format($" ({result.Steps} steps, budget)") : ""));
                whole.Add(Text.Percent(perSequence));
                plots[task].Add(new PlotSeries(Text.Name(cell), result.CurveSteps, result.CurveLoss));
                report.Summary.Add((Text.Format($"{task}_accuracy_{Text.Key(cell)}"), Math.Round(perStep, 4)));
                settings.Log?.Invoke(Text.Format($"{task} {Text.Name(cell)}: per-step accuracy {100 * perStep:F1} % after {result.Steps} steps, {result.Seconds:F0} s"));
                if (settings.SaveDirectory is { } dir) model.Save(Path.Combine(dir, Text.Format($"{task}-{Text.Key(cell)}.safetensors")));
            }
            table.Add([.. cells, .. whole]);
        }
        report.Tables.Add(table);
        report.Plots.Add(new PlotSpec("feedback-echo", "Echo y[t] = x[t−2]: training cross-entropy", "step", "cross-entropy per step", plots["echo"], LogY: true));
        report.Plots.Add(new PlotSpec("feedback-count", "Running count mod 3: training cross-entropy", "step", "cross-entropy per step", plots["count"], LogY: true));
        report.Notes.Add("Echo needs a memory of inputs the network does not output; count needs only its previous output.");
        report.Seconds = clock.Elapsed.TotalSeconds;
        return report;
    }

    /// <summary>One-hot random symbols and their labels; the first <c>Delay</c> echo labels are ignored (−1).</summary>
    private static void Fill(string task, Rng rng, Tensor<float> x, int[] labels)
    {
        int batch = x.Dim(0), steps = x.Dim(1), symbols = x.Dim(2);
        x.Clear();
        Span<float> xs = x.Span;
        var seq = new int[steps];
        for (int b = 0; b < batch; b++)
        {
            int sum = 0;
            for (int t = 0; t < steps; t++)
            {
                seq[t] = rng.Next(symbols);
                xs[(b * steps + t) * symbols + seq[t]] = 1;
                sum = (sum + seq[t]) % 3;
                labels[b * steps + t] = task == "echo" ? (t >= Delay ? seq[t - Delay] : -1) : sum;
            }
        }
    }

    private static (double PerStep, double PerSequence) Evaluate(SequenceTagger<float> model, string task, int symbols, Rng rng)
    {
        var x = new Tensor<float>(TestSize, Steps, symbols);
        var labels = new int[TestSize * Steps];
        Fill(task, rng, x, labels);
        var predicted = new int[TestSize * Steps];
        model.Predict(x, predicted);
        int right = 0, counted = 0, sequences = 0;
        for (int b = 0; b < TestSize; b++)
        {
            bool all = true;
            for (int t = 0; t < Steps; t++)
            {
                int label = labels[b * Steps + t];
                if (label < 0) continue;
                counted++;
                bool ok = predicted[b * Steps + t] == label;
                right += ok ? 1 : 0;
                all &= ok;
            }
            sequences += all ? 1 : 0;
        }
        return (right / (double)counted, sequences / (double)TestSize);
    }
}
