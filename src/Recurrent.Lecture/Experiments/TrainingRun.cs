using System.Globalization;
using Recurrent.Autodiff;
using Recurrent.Data;
using Recurrent.Layers;
using Recurrent.Training;

namespace Recurrent.Lecture.Experiments;

/// <summary>
/// How the experiments train: the library's <see cref="Trainer{TBatch}"/> with Adam, global-norm clipping, a warm-up
/// and cosine learning-rate schedule over the step budget, a wall-clock budget, and a loss curve. Each experiment's
/// loss draws its own synthetic batch for step s, so the batches here are just step numbers.
/// </summary>
internal sealed class TrainingRun
{
    public required string Label { get; init; }
    public required int Steps { get; init; }
    public required TimeSpan Budget { get; init; }
    public double LearningRate { get; init; } = 1e-3;
    public double MinLearningRate { get; init; } = 1e-4;
    public double ClipNorm { get; init; } = 1.0;
    public int WarmupSteps { get; init; } = 50;
    public int CurvePoints { get; init; } = 50;
    public Action<string>? Log { get; init; }

    /// <summary>Trains <paramref name="model"/> on the losses <paramref name="loss"/> records (it draws its own batch for step s).</summary>
    public TrainingResult Fit(Module<float> model, Func<Tape<float>, int, Variable<float>> loss)
    {
        var options = new TrainerOptions
        {
            LearningRate = LearningRate,
            CustomSchedule = new WarmupCosineSchedule(LearningRate, Math.Min(WarmupSteps, Steps - 1), Steps, Math.Min(MinLearningRate, LearningRate)),
            ClipNorm = ClipNorm,
            Steps = Steps,
            Duration = Budget,
        };
        int every = Math.Max(1, Steps / CurvePoints);
        var xs = new List<double>();
        var ys = new List<double>();
        double window = 0, last = double.NaN;
        int inWindow = 0;
        var trainer = new Trainer<StepBatch>(model, (tape, batch) =>
        {
            var l = loss(tape, (int)batch.Step);
            window += l.Value[0];
            inWindow++;
            if (inWindow == every || batch.Step == Steps - 1)
            {
                last = window / inWindow;
                xs.Add(batch.Step + 1);
                ys.Add(last);
                (window, inWindow) = (0, 0);
                if (xs.Count % 10 == 0) Log?.Invoke(string.Create(CultureInfo.InvariantCulture, $"{Label}: step {batch.Step + 1}/{Steps}, loss {last:F4}"));
            }
            return l;
        }, options);
        var result = trainer.Fit(new StepSource());
        int steps = (int)result.Steps;
        if (inWindow > 0)
        {
            last = window / inWindow;
            xs.Add(steps);
            ys.Add(last);
        }
        return new TrainingResult(steps, result.WallSeconds, steps < Steps, [.. xs], [.. ys], last);
    }
}
