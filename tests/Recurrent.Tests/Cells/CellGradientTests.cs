using Recurrent.Autodiff;
using Recurrent.Cells;
using Recurrent.Layers;
using Recurrent.Tensors;
using static Recurrent.Tests.Autodiff.GradAssert;

namespace Recurrent.Tests.Cells;

/// <summary>
/// Backpropagation through time of every cell, unrolled by hand over a few steps, against finite differences in
/// double precision: the check that covers Jordan and Elman–Jordan, for which no oracle exists.
/// </summary>
public class CellGradientTests
{
    public static TheoryData<CellKind, Activation> Cells() => new()
    {
        { CellKind.Elman, Activation.Tanh },
        { CellKind.Elman, Activation.Sigmoid },
        { CellKind.Elman, Activation.Relu },
        { CellKind.Jordan, Activation.Tanh },
        { CellKind.Jordan, Activation.Sigmoid },
        { CellKind.ElmanJordan, Activation.Tanh },
        { CellKind.Lstm, Activation.Tanh },
        { CellKind.Gru, Activation.Tanh },
        { CellKind.CudnnGru, Activation.Tanh },
    };

    [Theory]
    [MemberData(nameof(Cells))]
    public void UnrolledStepsMatchFiniteDifferences(CellKind kind, Activation phi)
    {
        const int batch = 2, input = 3, hidden = 4, steps = 4;
        var rng = new Rng(100 + (ulong)kind);
        var spec = new RecurrentSpec { Cell = kind, HiddenSize = hidden, Nonlinearity = phi, CellOutputSize = kind is CellKind.Jordan or CellKind.ElmanJordan ? 3 : null };
        var cell = spec.CreateCell<double>(input, rng);
        var xs = Enumerable.Range(0, steps).Select(t => Param(rng, $"x{t}", batch, input)).ToArray();
        var state0 = cell.State.Select(s => Param(rng, "state0_" + s.Name, batch, s.Size)).ToArray();
        var weights = Enumerable.Range(0, steps).Select(_ => Random(rng, batch, cell.OutputSize)).ToArray();

        Variable<double> Loss(Tape<double> tape)
        {
            Variable<double>[] state = state0;
            Variable<double>? total = null;
            for (int t = 0; t < steps; t++)
            {
                var step = cell.Step(tape, xs[t], state);
                var term = Project(tape, step.Output, weights[t]);
                total = total is null ? term : tape.Add(total, term);
                state = step.State;
            }
            foreach (var s in state) total = tape.Add(total!, tape.Sum(tape.Mul(s, s)));
            return total!;
        }

        Check(Loss, [.. xs, .. state0, .. cell.Parameters]);
    }

    [Fact]
    public void LstmForgetBiasIsApplied()
    {
        var cell = new LstmCell<float>(3, 5, new Rng(1), forgetBias: 1.0);
        Assert.All(cell.BiasIH.Value.Span.Slice(5, 5).ToArray(), v => Assert.Equal(1f, v));
        Assert.All(cell.BiasHH.Value.Span.Slice(5, 5).ToArray(), v => Assert.Equal(0f, v));
    }

    [Fact]
    public void ElmanEqualsTheLectureFormula()
    {
        // h[t+1] = φ(W_hh·h[t] + W_hx·x[t+1] + b_h), written out with loops.
        var rng = new Rng(3);
        var cell = new ElmanCell<double>(2, 3, rng, Activation.Sigmoid);
        var x = Random(rng, 1, 2);
        var h = Random(rng, 1, 3);
        var step = cell.Step(new Tape<double>(), new Variable<double>(x), [new Variable<double>(h)]);
        for (int i = 0; i < 3; i++)
        {
            double a = cell.BiasIH.Value[i] + cell.BiasHH.Value[i];
            for (int j = 0; j < 3; j++) a += cell.WeightHH.Value[i, j] * h[0, j];
            for (int j = 0; j < 2; j++) a += cell.WeightIH.Value[i, j] * x[0, j];
            Assert.Equal(1 / (1 + Math.Exp(-a)), step.Output.Value[0, i], 14);
        }
    }

    [Fact]
    public void ConcatenationViewEqualsTheSplitWeights()
    {
        // The lecture's other perspective: h[t+1] = σ(W_h·[h[t], x[t+1]] + b_h) with W_h = [W_hh | W_hx].
        var rng = new Rng(5);
        var cell = new ElmanCell<double>(2, 3, rng, Activation.Sigmoid);
        var wh = new Tensor<double>(3, 5);
        for (int i = 0; i < 3; i++)
        {
            for (int j = 0; j < 3; j++) wh[i, j] = cell.WeightHH.Value[i, j];
            for (int j = 0; j < 2; j++) wh[i, 3 + j] = cell.WeightIH.Value[i, j];
        }
        var bh = new Tensor<double>(3);
        for (int i = 0; i < 3; i++) bh[i] = cell.BiasIH.Value[i] + cell.BiasHH.Value[i];
        var x = new Variable<double>(Random(rng, 4, 2));
        var h = new Variable<double>(Random(rng, 4, 3));
        var tape = new Tape<double>();
        var concatenated = tape.Sigmoid(tape.Affine(tape.Concat(h, x), new Variable<double>(wh), new Variable<double>(bh)));
        var split = cell.Step(tape, x, [h]).Output;
        for (int i = 0; i < split.Value.Length; i++) Assert.Equal(concatenated.Value[i], split.Value[i], 14);
    }

    [Fact]
    public void GruFormsDifferAndLectureZWeighsTheCandidate()
    {
        // With the z pre-activation driven to +∞ (z = 1) the lecture's GRU outputs h̃; PyTorch's form keeps h.
        var rng = new Rng(4);
        var lecture = new GruCell<double>(2, 3, rng);
        var cudnn = new CudnnGruCell<double>(2, 3, new Rng(4));
        foreach (var bias in new[] { lecture.BiasIH, cudnn.BiasIH }) bias.Value.Span.Slice(3, 3).Fill(60);
        var x = new Variable<double>(Random(rng, 1, 2));
        var h = new Variable<double>(Random(rng, 1, 3));
        var lectureNext = lecture.Step(new Tape<double>(), x, [h]).Output.Value;
        var cudnnNext = cudnn.Step(new Tape<double>(), x, [h]).Output.Value;
        for (int i = 0; i < 3; i++)
        {
            Assert.Equal(h.Value[0, i], cudnnNext[0, i], 12);
            Assert.NotEqual(h.Value[0, i], lectureNext[0, i], 3);
        }
    }
}
