using Recurrent.Autodiff;
using Recurrent.Data;
using Recurrent.Layers;
using Recurrent.Training;

namespace Recurrent.Tests.Models;

/// <summary>A few hundred Adam steps of the library's trainer on a tiny task: what the models' learning tests share.</summary>
public static class TinyTraining
{
    /// <summary>Runs <paramref name="steps"/> steps of <paramref name="loss"/> (which draws its own batch) and returns the mean loss of the last 20.</summary>
    public static double Fit(Module<float> model, int steps, double learningRate, Func<Tape<float>, int, Variable<float>> loss)
    {
        double tail = 0;
        var trainer = new Trainer<StepBatch>(model, (tape, batch) =>
        {
            var l = loss(tape, (int)batch.Step);
            if (batch.Step >= steps - 20) tail += l.Value[0] / 20;
            return l;
        }, new TrainerOptions { LearningRate = learningRate, Steps = steps });
        trainer.Fit(new StepSource());
        return tail;
    }
}
