using Recurrent.Optimizers;

namespace Recurrent.Tests.Optimizers;

/// <summary>
/// PyTorch's update rules written the way its documentation writes them, one element at a time in double precision,
/// with no shared code with the library: what the vectorised optimizers are compared against.
/// </summary>
public abstract class NaiveOptimizer
{
    private readonly Dictionary<int, double[][]> _state = [];
    private readonly Dictionary<int, long> _steps = [];

    public double LearningRate { get; set; }

    /// <summary>One update of parameter <paramref name="index"/>; a null gradient skips it, as PyTorch does.</summary>
    public void Step(int index, double[] p, double[]? g)
    {
        if (g is null) return;
        if (!_state.TryGetValue(index, out var state))
        {
            state = NewState(p.Length);
            _state[index] = state;
        }
        long t = _steps[index] = _steps.GetValueOrDefault(index) + 1;
        for (int i = 0; i < p.Length; i++) Update(ref p[i], g[i], state, i, t);
    }

    protected abstract double[][] NewState(int length);

    protected abstract void Update(ref double p, double g, double[][] state, int i, long t);
}

public sealed class NaiveSgd(SgdOptions o) : NaiveOptimizer
{
    protected override double[][] NewState(int length) => [new double[length]];

    protected override void Update(ref double p, double g, double[][] state, int i, long t)
    {
        g += o.WeightDecay * p;
        if (o.Momentum != 0)
        {
            ref double b = ref state[0][i];
            b = t == 1 ? g : o.Momentum * b + (1 - o.Dampening) * g;
            g = o.Nesterov ? g + o.Momentum * b : b;
        }
        p -= LearningRate * g;
    }
}

public sealed class NaiveAdam(AdamOptions o, bool decoupled) : NaiveOptimizer
{
    private readonly double _decay = o.WeightDecay ?? (decoupled ? 0.01 : 0);

    protected override double[][] NewState(int length) => [new double[length], new double[length], new double[length]];

    protected override void Update(ref double p, double g, double[][] state, int i, long t)
    {
        if (decoupled) p *= 1 - LearningRate * _decay;
        else g += _decay * p;
        ref double m = ref state[0][i], v = ref state[1][i], vMax = ref state[2][i];
        m = o.Beta1 * m + (1 - o.Beta1) * g;
        v = o.Beta2 * v + (1 - o.Beta2) * g * g;
        vMax = Math.Max(vMax, v);
        double mHat = m / (1 - Math.Pow(o.Beta1, t));
        double vHat = (o.AmsGrad ? vMax : v) / (1 - Math.Pow(o.Beta2, t));
        p -= LearningRate * mHat / (Math.Sqrt(vHat) + o.Epsilon);
    }
}

public sealed class NaiveRmsProp(RmsPropOptions o) : NaiveOptimizer
{
    protected override double[][] NewState(int length) => [new double[length], new double[length], new double[length]];

    protected override void Update(ref double p, double g, double[][] state, int i, long t)
    {
        g += o.WeightDecay * p;
        ref double v = ref state[0][i], mean = ref state[1][i], b = ref state[2][i];
        v = o.Alpha * v + (1 - o.Alpha) * g * g;
        double s;
        if (o.Centered)
        {
            mean = o.Alpha * mean + (1 - o.Alpha) * g;
            s = Math.Sqrt(v - mean * mean) + o.Epsilon;
        }
        else s = Math.Sqrt(v) + o.Epsilon;
        if (o.Momentum > 0)
        {
            b = o.Momentum * b + g / s;
            p -= LearningRate * b;
        }
        else p -= LearningRate * g / s;
    }
}

public sealed class NaiveAdagrad(AdagradOptions o) : NaiveOptimizer
{
    protected override double[][] NewState(int length)
    {
        var sum = new double[length];
        Array.Fill(sum, o.InitialAccumulatorValue);
        return [sum];
    }

    protected override void Update(ref double p, double g, double[][] state, int i, long t)
    {
        g += o.WeightDecay * p;
        double rate = LearningRate / (1 + (t - 1) * o.LearningRateDecay);
        state[0][i] += g * g;
        p -= rate * g / (Math.Sqrt(state[0][i]) + o.Epsilon);
    }
}
