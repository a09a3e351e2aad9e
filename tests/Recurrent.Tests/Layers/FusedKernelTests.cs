using Recurrent.Autodiff;
using Recurrent.Cells;
using Recurrent.Kernels;
using Recurrent.Layers;
using Recurrent.Tensors;

namespace Recurrent.Tests.Layers;

/// <summary>
/// The fused sequence kernels against the reference unroll (each step recorded from the cell's equations): forward
/// values, final states and every gradient, on odd sizes that hit the vector tails, stacked, bidirectional,
/// variable-length and both layouts.
/// </summary>
public class FusedKernelTests
{
    public static TheoryData<CellKind, Activation, int, int, int, int, int, bool, bool, bool> Shapes()
    {
        var data = new TheoryData<CellKind, Activation, int, int, int, int, int, bool, bool, bool>();
        (CellKind, Activation)[] cells =
        [
            (CellKind.Lstm, Activation.Tanh), (CellKind.Gru, Activation.Tanh), (CellKind.CudnnGru, Activation.Tanh),
            (CellKind.Elman, Activation.Tanh), (CellKind.Elman, Activation.Relu), (CellKind.Elman, Activation.Sigmoid),
        ];
        foreach (var (kind, phi) in cells)
        {
            // batch, steps, input, hidden, layers, bidirectional, variable lengths, batch-first
            data.Add(kind, phi, 1, 1, 1, 1, 1, false, false, true);
            data.Add(kind, phi, 3, 5, 7, 9, 1, false, false, true);
            data.Add(kind, phi, 4, 6, 8, 33, 2, true, true, true);
            data.Add(kind, phi, 9, 4, 31, 8, 2, false, true, false);
            data.Add(kind, phi, 2, 7, 1, 17, 1, true, false, false);
            data.Add(kind, phi, 32, 5, 7, 64, 2, true, true, true); // large enough for the gate passes to run on both cores
            data.Add(kind, phi, 2, 3, 600, 520, 1, false, true, true); // weights past the transposed weight-gradient product's limit
        }
        return data;
    }

    [Theory]
    [MemberData(nameof(Shapes))]
    public void FusedEqualsReference(CellKind kind, Activation phi, int batch, int steps, int input, int hidden, int layers,
        bool bidirectional, bool variableLength, bool batchFirst)
    {
        Compare<float>(kind, phi, batch, steps, input, hidden, layers, bidirectional, variableLength, batchFirst, 2e-5);
        Compare<double>(kind, phi, batch, steps, input, hidden, layers, bidirectional, variableLength, batchFirst, 1e-12);
    }

    private static void Compare<T>(CellKind kind, Activation phi, int batch, int steps, int input, int hidden, int layers,
        bool bidirectional, bool variableLength, bool batchFirst, double tolerance) where T : unmanaged, System.Numerics.IFloatingPointIeee754<T>
    {
        var spec = new RecurrentSpec
        {
            Cell = kind, HiddenSize = hidden, Layers = layers, Bidirectional = bidirectional, BatchFirst = batchFirst, Nonlinearity = phi,
        };
        ulong seed = (ulong)(batch * 1000 + steps * 100 + hidden);
        var layer = new RecurrentLayer<T>(input, spec, new Rng(seed));
        var rng = new Rng(seed + 1);
        int[] shape = batchFirst ? [batch, steps, input] : [steps, batch, input];
        var x = Tensor.Normal<T>(rng, 0, 1, shape);
        var init = layer.State.Select(s => Tensor.Normal<T>(rng, 0, 1, layers * layer.Directions, batch, s.Size)).ToArray();
        int[] lengths = variableLength ? Enumerable.Range(0, batch).Select(b => 1 + (b * 7 + 3) % steps).ToArray() : [];
        int[] outShape = batchFirst ? [batch, steps, layer.OutputSize] : [steps, batch, layer.OutputSize];
        var r = Tensor.Normal<T>(rng, 0, 1, outShape);
        var rs = init.Select(s => Tensor.Normal<T>(rng, 0, 1, s.Shape.ToArray())).ToArray();

        var reference = Run(layer, fused: false, x, init, lengths, r, rs);
        var fused = Run(layer, fused: true, x, init, lengths, r, rs);
        for (int i = 0; i < reference.Count; i++)
        {
            var (name, expected) = reference[i];
            var actual = fused[i].Values;
            Assert.Equal(expected.Length, actual.Length);
            for (int j = 0; j < expected.Length; j++)
            {
                double e = double.CreateTruncating(expected[j]), a = double.CreateTruncating(actual[j]);
                double scale = Math.Max(1, Math.Abs(e));
                Assert.True(Math.Abs(e - a) <= tolerance * scale, $"{typeof(T).Name} {name}[{j}]: reference {e:G9}, fused {a:G9}");
            }
        }
    }

    private static List<(string Name, T[] Values)> Run<T>(RecurrentLayer<T> layer, bool fused, Tensor<T> x, Tensor<T>[] init,
        int[] lengths, Tensor<T> r, Tensor<T>[] rs) where T : unmanaged, System.Numerics.IFloatingPointIeee754<T>
    {
        layer.UseFusedKernels = fused;
        Assert.Equal(fused, layer.RunsFused);
        layer.ZeroGrad();
        var tape = new Tape<T>();
        var xv = new Variable<T>(x.Clone(), requiresGrad: true, "x");
        var initV = init.Select(s => new Variable<T>(s.Clone(), requiresGrad: true)).ToArray();
        var result = layer.Forward(tape, xv, initV, lengths);
        var seeds = new List<(Variable<T>, Tensor<T>)> { (result.Output, r) };
        for (int c = 0; c < rs.Length; c++) seeds.Add((result.FinalState[c], rs[c]));
        tape.Backward([.. seeds]);
        var values = new List<(string, T[])> { ("output", result.Output.Value.ToArray()) };
        for (int c = 0; c < rs.Length; c++) values.Add(("final " + layer.State[c].Name, result.FinalState[c].Value.ToArray()));
        values.Add(("dx", xv.Grad!.ToArray()));
        for (int c = 0; c < initV.Length; c++) values.Add(("d initial " + layer.State[c].Name, initV[c].Grad!.ToArray()));
        foreach (var (name, p) in layer.NamedParameters()) values.Add(("d " + name, p.Grad!.ToArray()));
        return values;
    }

    [Theory]
    [InlineData(CellKind.Lstm)]
    [InlineData(CellKind.CudnnGru)]
    [InlineData(CellKind.Elman)]
    [InlineData(CellKind.Gru)]
    public void OneThreadAndTwoGiveTheSameBits(CellKind kind)
    {
        // Two threads split each product by columns and each gate pass by rows; every element is still summed in
        // the same order, so the results must not change by a single bit.
        var layer = new RecurrentLayer<float>(12, new RecurrentSpec { Cell = kind, HiddenSize = 64, Layers = 2 }, new Rng(8));
        var x = Tensor.Normal<float>(new Rng(9), 0, 1, 32, 6, 12);
        var r = Tensor.Normal<float>(new Rng(10), 0, 1, 32, 6, 64);
        List<(string Name, float[] Values)> one, two;
        using (Threads.Limit(1)) one = Run(layer, true, x, layer.State.Select(s => new Tensor<float>(2, 32, s.Size)).ToArray(), [], r, []);
        using (Threads.Limit(2)) two = Run(layer, true, x, layer.State.Select(s => new Tensor<float>(2, 32, s.Size)).ToArray(), [], r, []);
        for (int i = 0; i < one.Count; i++) Assert.True(one[i].Values.AsSpan().SequenceEqual(two[i].Values), $"{one[i].Name} differs between 1 and 2 threads");
    }

    [Fact]
    public void InferenceSavesNothingAndMatchesTraining()
    {
        var layer = new RecurrentLayer<float>(5, new RecurrentSpec { Cell = CellKind.Lstm, HiddenSize = 12, Layers = 2 }, new Rng(4));
        foreach (var p in layer.Parameters()) p.RequiresGrad = false;
        var x = new Variable<float>(Tensor.Normal<float>(new Rng(5), 0, 1, 3, 9, 5));
        var inference = layer.Forward(new Tape<float>(), x).Output.Value.ToArray();
        foreach (var p in layer.Parameters()) p.RequiresGrad = true;
        var training = layer.Forward(new Tape<float>(), x).Output.Value.ToArray();
        // Inference sums each pre-activation as one product [x, h]·[W_ih; W_hh]ᵀ, training as x·W_ihᵀ (all steps
        // beforehand) plus h·W_hhᵀ: the same 17 products in another order, so equal within float rounding.
        Assert.Equal(training.Length, inference.Length);
        for (int i = 0; i < training.Length; i++) Assert.True(Math.Abs(training[i] - inference[i]) <= 1e-6f, $"output[{i}]: training {training[i]:G9}, inference {inference[i]:G9}");
    }

    [Fact]
    public void BackwardTwiceIsAnError()
    {
        var layer = new RecurrentLayer<float>(3, new RecurrentSpec { Cell = CellKind.CudnnGru, HiddenSize = 4 }, new Rng(4));
        var tape = new Tape<float>();
        var loss = tape.Sum(layer.Forward(tape, new Variable<float>(new Tensor<float>(2, 3, 3))).Output);
        tape.Backward(loss);
        var e = Assert.Throws<InvalidOperationException>(() => tape.Backward(loss));
        Assert.Contains("record the forward again", e.Message);
    }

    [Theory]
    [InlineData(CellKind.Lstm)]
    [InlineData(CellKind.Gru)]
    [InlineData(CellKind.CudnnGru)]
    [InlineData(CellKind.Elman)]
    public void WarmTrainingStepAllocatesNothing(CellKind kind)
    {
        var layer = new RecurrentLayer<float>(16, new RecurrentSpec { Cell = kind, HiddenSize = 24, Layers = 2, Bidirectional = true, Dropout = 0.2 }, new Rng(1));
        var x = new Variable<float>(Tensor.Normal<float>(new Rng(2), 0, 1, 4, 10, 16), requiresGrad: true);
        int[] lengths = [10, 3, 7, 1];
        var tape = new Tape<float>();
        void Step()
        {
            tape.Reset();
            layer.ZeroGrad();
            var result = layer.Forward(tape, x, null, lengths);
            tape.Backward(tape.Sum(result.Output));
        }
        for (int i = 0; i < 3; i++) Step();
        long before = GC.GetAllocatedBytesForCurrentThread();
        for (int i = 0; i < 5; i++) Step();
        Assert.Equal(0, GC.GetAllocatedBytesForCurrentThread() - before);
    }
}
