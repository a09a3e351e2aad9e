using Recurrent.Autodiff;
using Recurrent.Layers;
using Recurrent.Optimizers;

namespace Recurrent.Tests.Models;

/// <summary>A few hundred Adam steps on a tiny task: what the models' learning tests share.</summary>
public static class TinyTraining
{
    /// <summary>Runs <paramref name="steps"/> steps of <paramref name="loss"/> (which draws its own batch) and returns the mean loss of the last 20.</summary>
    public static double Fit(Module<float> model, int steps, double learningRate, Func<Tape<float>, int, Variable<float>> loss)
    {
        var tape = new Tape<float>();
        var adam = new Adam<float>(model.NamedParameters(), new AdamOptions { LearningRate = learningRate });
        double tail = 0;
        for (int step = 0; step < steps; step++)
        {
            tape.Reset();
            adam.ZeroGrad();
            var l = loss(tape, step);
            tape.Backward(l);
            adam.Step();
            if (step >= steps - 20) tail += l.Value[0] / 20;
        }
        return tail;
    }
}
