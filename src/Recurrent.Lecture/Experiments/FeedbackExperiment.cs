using System.Diagnostics;
using Recurrent.Serialization;
using Recurrent.Autodiff;
using Recurrent.Cells;
using Recurrent.Layers;
using Recurrent.Models;
using Recurrent.Tensors;

namespace Recurrent.Lecture.Experiments;

/// <summary>
/// <c>feedback</c>: the lecture's three kinds of feedback, state (Elman), output (Jordan) and both (Elman–Jordan),
/// compared on two N-N tasks where the difference shows. In <b>echo</b> the inputs are random bits and the label of step
/// t is the bit read five steps before, <c>y[t] = x[t−5]</c>: the network must hold the last five inputs, which are not
/// what it outputs, so a Jordan cell, whose only memory is its previous prediction (two logits, ≈ x[t−6]), has almost
/// nowhere to carry them. In <b>count</b>
/// the inputs are bits and the label is their running sum modulo 3, <c>y[t] = (y[t−1] + x[t]) mod 3</c>: the previous
/// output is exactly the state needed, and output feedback suffices.
/// </summary>
/// <remarks>
/// As in the lecture, each cell's output layer is its prediction: ŷ = W_yh·h + b_y are the logits of the softmax
/// (<see cref="SequenceTaggerConfig.CellOutputIsPrediction"/>), and that is what Jordan and Elman–Jordan feed back.
/// (Continuous logits can still hide some memory: with four symbols and a delay of 2 a Jordan cell learns echo too;
/// with bits and a delay of 5 it cannot.)
/// H = 32, T = 20, B = 32, one-hot inputs. Jordan and Elman–Jordan run the reference (per-step) path, and so does
/// Elman with its output layer, for a like-for-like comparison.
/// </remarks>
public static class FeedbackExperiment
{
    /// <summary>The experiment's name on the command line.</summary>
    public const string Name = "feedback";

    private static readonly CellKind[] CellKinds = [CellKind.Elman, CellKind.Jordan, CellKind.ElmanJordan];
    private const int Steps = 20, Batch = 32, Hidden = 32, TestSize = 500, Delay = 5;

    /// <summary>Runs the experiment.</summary>
    /// <param name="settings">Seed, budget, save folder, log.</param>
    /// <returns>The tables, plots and summary.</returns>
    public static ExperimentReport Run(ExperimentSettings settings)
    {
        ArgumentNullException.ThrowIfNull(settings);
        settings.Validate();
        var clock = Stopwatch.StartNew();
        var report = new ExperimentReport(Name);
        int steps = settings.Steps ?? 5000;
        var budget = TimeSpan.FromSeconds((settings.Minutes ?? 8.0) * 60 / (2 * CellKinds.Length));
        var table = new ResultTable(Text.Format($"Per-step test accuracy (500 held-out sequences of T = {Steps}; chance 50 % for echo, about 33 % for count)"),
            "cell", "echo y[t] = x[t−5] (bits)", "count y[t] = Σx mod 3 (bits in, 3 classes)", "echo: sequences all right", "count: sequences all right");
        var plots = new Dictionary<string, List<PlotSeries>> { ["echo"] = [], ["count"] = [] };
        foreach (var cell in CellKinds)
        {
            var cells = new List<string> { Text.Name(cell) };
            var whole = new List<string>();
            foreach (string task in new[] { "echo", "count" })
            {
                int symbols = 2, classes = task == "echo" ? 2 : 3;
                var spec = new RecurrentSpec { Cell = cell, HiddenSize = Hidden, CellOutputSize = classes, OutputActivation = Activation.Identity };
                var model = new SequenceTagger<float>(new SequenceTaggerConfig(symbols, classes, spec, CellOutputIsPrediction: true), new Rng(settings.Seed));
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
        report.Plots.Add(new PlotSpec("feedback-echo", "Echo y[t] = x[t−5]: training cross-entropy", "step", "cross-entropy per step", plots["echo"], LogY: true));
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
