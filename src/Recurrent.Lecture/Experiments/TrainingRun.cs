using System.Diagnostics;
using System.Globalization;
using Recurrent.Autodiff;
using Recurrent.Layers;
using Recurrent.Optimizers;
using Recurrent.Training;

namespace Recurrent.Lecture.Experiments;

/// <summary>
/// The training loop the experiments share: Adam, global-norm clipping, a warm-up and cosine learning-rate schedule,
/// a step budget and a wall-clock budget, one reused tape (a warm step allocates little), and a loss curve.
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
        var tape = new Tape<float>();
        var adam = new Adam<float>(model.NamedParameters(), new AdamOptions { LearningRate = LearningRate });
        var schedule = new WarmupCosineSchedule(LearningRate, Math.Min(WarmupSteps, Steps - 1), Steps, Math.Min(MinLearningRate, LearningRate));
        var parameters = model.NamedParameters();
        int every = Math.Max(1, Steps / CurvePoints);
        var xs = new List<double>();
        var ys = new List<double>();
        double window = 0, last = double.NaN;
        int inWindow = 0, step = 0;
        var clock = Stopwatch.StartNew();
        bool stopped = false;
        for (; step < Steps; step++)
        {
            if (clock.Elapsed > Budget)
            {
                stopped = true;
                break;
            }
            tape.Reset();
            adam.ZeroGrad();
            adam.LearningRate = schedule.At(step);
            var l = loss(tape, step);
            tape.Backward(l);
            if (ClipNorm > 0) GradientClipping.ClipByGlobalNorm(parameters, ClipNorm);
            adam.Step();
            window += l.Value[0];
            inWindow++;
            if (inWindow == every || step == Steps - 1)
            {
                last = window / inWindow;
                xs.Add(step + 1);
                ys.Add(last);
                (window, inWindow) = (0, 0);
                if (xs.Count % 10 == 0) Log?.Invoke(string.Create(CultureInfo.InvariantCulture, $"{Label}: step {step + 1}/{Steps}, loss {last:F4}, {clock.Elapsed.TotalSeconds:F0} s"));
            }
        }
        if (inWindow > 0)
        {
            last = window / inWindow;
            xs.Add(step);
            ys.Add(last);
        }
        return new TrainingResult(step, clock.Elapsed.TotalSeconds, stopped, [.. xs], [.. ys], last);
    }
}
