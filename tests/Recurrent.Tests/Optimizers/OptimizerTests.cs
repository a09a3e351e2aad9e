using System.Numerics;
using Recurrent.Autodiff;
using Recurrent.Losses;
using Recurrent.Optimizers;
using Recurrent.Tensors;

namespace Recurrent.Tests.Optimizers;

/// <summary>
/// Every optimizer configuration against its naive reference (PyTorch's formula element by element), on a problem it
/// must solve, through a state export and import, and for allocations.
/// </summary>
public class OptimizerTests
{
    // Lengths 1, 7 and 33 leave vector tails in every operation.
    private static readonly int[][] Shapes = [[1], [7], [3, 11]];

    [Theory]
    [MemberData(nameof(OptimizerCases.All), MemberType = typeof(OptimizerCases))]
    public void DoubleMatchesTheNaiveFormula(string id) => CompareWithReference<double>(id, 1e-12);

    [Theory]
    [MemberData(nameof(OptimizerCases.All), MemberType = typeof(OptimizerCases))]
    public void FloatMatchesTheNaiveFormula(string id) => CompareWithReference<float>(id, 1e-6);

    /// <summary>
    /// Six steps on random gradients; at step 3 the second parameter gets no gradient, so it must stay put and its
    /// step count (and bias corrections) must not advance.
    /// </summary>
    private static void CompareWithReference<T>(string id, double tolerance) where T : unmanaged, IFloatingPointIeee754<T>
    {
        var rng = new Rng(31);
        var parameters = Shapes.Select((s, i) => ($"p{i}", new Variable<T>(Tensor.Uniform<T>(rng, -1, 1, s), requiresGrad: true))).ToList();
        var optimizer = OptimizerCases.Create<T>(id, parameters);
        var reference = OptimizerCases.Reference(id);
        double[][] expected = parameters.Select(p => ToDouble(p.Item2.Value)).ToArray();

        for (int step = 1; step <= 6; step++)
        {
            optimizer.ZeroGrad();
            for (int i = 0; i < parameters.Count; i++)
            {
                double[]? g = null;
                if (!(step == 3 && i == 1))
                {
                    var grad = parameters[i].Item2.GradForAccumulation();
                    rng.FillNormal(grad.Span, 0, 1);
                    g = ToDouble(grad);
                }
                reference.Step(i, expected[i], g);
            }
            optimizer.Step();
            for (int i = 0; i < parameters.Count; i++) AssertClose(expected[i], parameters[i].Item2.Value, tolerance, $"{id}, step {step}, p{i}");
        }
    }

    [Fact]
    public void ParametersWithoutGradientsAreLeftAloneAndGetNoState()
    {
        var rng = new Rng(32);
        var a = new Variable<float>(Tensor.Uniform<float>(rng, -1, 1, 5), requiresGrad: true, name: "a");
        var b = new Variable<float>(Tensor.Uniform<float>(rng, -1, 1, 5), requiresGrad: true, name: "b");
        float[] bBefore = b.Value.ToArray();
        var adam = new Adam<float>([a, b]);
        a.GradForAccumulation().Fill(1);
        adam.Step();
        Assert.Equal(bBefore, b.Value.ToArray());
        var state = adam.StateDict();
        Assert.Equal(new Dictionary<string, long> { ["0"] = 1 }, state.Steps);
        Assert.Equal(["0.exp_avg", "0.exp_avg_sq"], state.Buffers.Keys.Order());
    }

    /// <summary>A least-squares fit (a convex quadratic with minimum 0) that every configuration must drive near 0.</summary>
    [Theory]
    [MemberData(nameof(OptimizerCases.All), MemberType = typeof(OptimizerCases))]
    public void MinimisesALeastSquaresProblem(string id)
    {
        var rng = new Rng(33);
        var x = new Variable<double>(Tensor.Normal<double>(rng, 0, 1, 32, 6));
        var wTrue = Tensor.Normal<double>(rng, 0, 1, 1, 6);
        var y = new Tensor<double>(32, 1);
        for (int n = 0; n < 32; n++) for (int j = 0; j < 6; j++) y[n, 0] += x.Value[n, j] * wTrue[0, j];
        var w = new Variable<double>(new Tensor<double>(1, 6), requiresGrad: true, name: "w");
        var optimizer = OptimizerCases.Create<double>(id, [("w", w)]);
        // A rate suited to this problem (the configurations' own are chosen to make the update formulas visible).
        optimizer.LearningRate = id switch
        {
            _ when id.StartsWith("adagrad", StringComparison.Ordinal) => 1,
            _ when id.StartsWith("rmsprop", StringComparison.Ordinal) => 0.01,
            _ => 0.05,
        };
        var tape = new Tape<double>();
        double Loss()
        {
            tape.Reset();
            optimizer.ZeroGrad();
            var loss = tape.MeanSquaredError(tape.MatMul(x, w, transposeB: true), y);
            tape.Backward(loss);
            return loss.Value[0];
        }
        double initial = Loss();
        for (int i = 0; i < 1000; i++)
        {
            optimizer.Step();
            Loss();
        }
        // Weight decay moves the minimum away from w*, so those configurations only get close; RMSprop's normalised
        // steps keep a constant size, so it ends rattling around the minimum.
        double bound = id.Contains("decay") || id.StartsWith("adamw", StringComparison.Ordinal) ? 1e-2
            : id.StartsWith("rmsprop", StringComparison.Ordinal) ? 1e-3
            : 1e-6;
        Assert.True(Loss() < bound * initial, $"{id}: loss {Loss():G4} from {initial:G4}");
    }

    [Theory]
    [MemberData(nameof(OptimizerCases.All), MemberType = typeof(OptimizerCases))]
    public void ResumesBitForBitFromItsExportedState(string id)
    {
        var rng = new Rng(34);
        var original = Shapes.Select((s, i) => ($"p{i}", new Variable<float>(Tensor.Uniform<float>(rng, -1, 1, s), requiresGrad: true))).ToList();
        var gradients = Enumerable.Range(0, 6).Select(_ => Shapes.Select(s => Tensor.Normal<float>(rng, 0, 1, s)).ToArray()).ToArray();
        var a = OptimizerCases.Create<float>(id, original);
        for (int step = 0; step < 3; step++) Apply(a, original, gradients[step]);

        // A copy of the parameters and of the exported state, as a checkpoint holds them.
        var copy = original.Select(p => (p.Item1, new Variable<float>(p.Item2.Value.Clone(), requiresGrad: true))).ToList();
        var exported = a.StateDict();
        var saved = exported with { Buffers = exported.Buffers.ToDictionary(kv => kv.Key, kv => kv.Value.Clone()) };
        var b = OptimizerCases.Create<float>(id, copy);
        b.LearningRate = 123;
        b.LoadStateDict(saved);
        Assert.Equal(a.LearningRate, b.LearningRate);

        for (int step = 3; step < 6; step++)
        {
            Apply(a, original, gradients[step]);
            Apply(b, copy, gradients[step]);
        }
        for (int i = 0; i < original.Count; i++) Assert.Equal(original[i].Item2.Value.ToArray(), copy[i].Item2.Value.ToArray());
    }

    [Theory]
    [MemberData(nameof(OptimizerCases.All), MemberType = typeof(OptimizerCases))]
    public void WarmStepAllocatesNothing(string id)
    {
        var rng = new Rng(35);
        var parameters = Shapes.Select((s, i) => ($"p{i}", new Variable<float>(Tensor.Uniform<float>(rng, -1, 1, s), requiresGrad: true))).ToList();
        foreach (var (_, p) in parameters) rng.FillNormal(p.GradForAccumulation().Span, 0, 1);
        var optimizer = OptimizerCases.Create<float>(id, parameters);
        optimizer.Step();
        optimizer.Step();
        long before = GC.GetAllocatedBytesForCurrentThread();
        for (int i = 0; i < 10; i++) optimizer.Step();
        Assert.Equal(0, GC.GetAllocatedBytesForCurrentThread() - before);
    }

    [Fact]
    public void StateThatDoesNotFitIsRejectedWithoutChangingAnything()
    {
        var w = new Variable<float>(Tensor.Full(1f, 2, 3), requiresGrad: true);
        var adam = new Adam<float>([("w", w)]);
        w.GradForAccumulation().Fill(1);
        adam.Step();
        var good = adam.StateDict();
        var steps = new Dictionary<string, long> { ["w"] = 1 };
        var wrongShape = good with { Buffers = new Dictionary<string, Tensor<float>> { ["w.exp_avg"] = new(3, 2), ["w.exp_avg_sq"] = new(2, 3) } };
        var unknown = good with { Steps = new Dictionary<string, long> { ["v"] = 1 } };
        var missing = good with { Buffers = new Dictionary<string, Tensor<float>> { ["w.exp_avg"] = new(2, 3) } };

        Assert.Contains("is SGD's; this optimizer is Adam", Assert.Throws<ArgumentException>(() => adam.LoadStateDict(good with { Kind = "SGD" })).Message);
        Assert.Contains("has w.exp_avg (3, 2); this parameter is (2, 3)", Assert.Throws<ArgumentException>(() => adam.LoadStateDict(wrongShape)).Message);
        Assert.Contains("parameter 'v', which this optimizer does not update", Assert.Throws<ArgumentException>(() => adam.LoadStateDict(unknown)).Message);
        Assert.Contains("no w.exp_avg_sq; Adam expects one of shape (2, 3)", Assert.Throws<ArgumentException>(() => adam.LoadStateDict(missing)).Message);
        Assert.Equal(steps, adam.StateDict().Steps);
    }

    [Fact]
    public void InvalidOptionsAreRejected()
    {
        var w = new Variable<float>(new Tensor<float>(2), requiresGrad: true);
        Assert.Throws<ArgumentOutOfRangeException>(() => new Adam<float>([w], new AdamOptions { Beta1 = 1 }));
        Assert.Throws<ArgumentOutOfRangeException>(() => new Sgd<float>([w], new SgdOptions { LearningRate = -1 }));
        Assert.Throws<ArgumentException>(() => new Sgd<float>([w], new SgdOptions { Nesterov = true }));
        Assert.Throws<ArgumentException>(() => new Sgd<float>([w, w]));
        Assert.Throws<ArgumentException>(() => new Sgd<float>([("a", w), ("a", new Variable<float>(new Tensor<float>(2)))]));
        Assert.Throws<ArgumentOutOfRangeException>(() => new RmsProp<float>([w]).LearningRate = double.NaN);
    }

    [Fact]
    public void AdamWDecaysByDefaultAndAdamDoesNot()
    {
        var w = new Variable<float>(new Tensor<float>(2), requiresGrad: true);
        Assert.Equal(0.01, new AdamW<float>([w]).WeightDecay);
        Assert.Equal(0, new Adam<float>([w]).WeightDecay);
        Assert.Equal(0.5, new AdamW<float>([w], new AdamOptions { WeightDecay = 0.5 }).WeightDecay);
    }

    private static void Apply(Optimizer<float> optimizer, List<(string, Variable<float>)> parameters, Tensor<float>[] gradients)
    {
        optimizer.ZeroGrad();
        for (int i = 0; i < parameters.Count; i++) parameters[i].Item2.GradForAccumulation().CopyFrom(gradients[i]);
        optimizer.Step();
    }

    private static double[] ToDouble<T>(Tensor<T> t) where T : unmanaged, IFloatingPointIeee754<T> => t.Convert<double>().ToArray();

    private static void AssertClose<T>(double[] expected, Tensor<T> actual, double tolerance, string what) where T : unmanaged, IFloatingPointIeee754<T>
    {
        for (int i = 0; i < expected.Length; i++)
        {
            double a = double.CreateTruncating(actual[i]);
            double error = Math.Abs(a - expected[i]) / Math.Max(1, Math.Abs(expected[i]));
            Assert.True(error <= tolerance, $"{what}[{i}]: {a:G17}, expected {expected[i]:G17} (error {error:E2})");
        }
    }
}
