using Recurrent.Autodiff;
using Recurrent.Cells;
using Recurrent.Kernels;
using Recurrent.Layers;
using Recurrent.Tensors;
using Recurrent.Tests.Kernels;

namespace Recurrent.Tests.Layers;

/// <summary>
/// The LSTM's fused inference path that multiplies <c>[x[s], h[s]]</c> by the stacked, packed <c>[W_ih; W_hh]ᵀ</c> at
/// every step (T ≥ 4, stacked weights up to 1 MB), and the training path beside it, against the reference unroll of
/// the cell's equations in double precision, on input and hidden sizes that hit the vector tails and the packed
/// panels' edges, with each GEMM micro-kernel; and their thread split.
/// </summary>
public class StackedLstmStepTests
{
    public static TheoryData<string, int, int, int, int> Sizes()
    {
        var data = new TheoryData<string, int, int, int, int>();
        foreach (string kernel in new[] { "Avx512", "Avx2" })
        {
            // kernel, batch, steps, input, hidden: I + H crosses the 8-row tile, the 16/32-column panels and KC = 512.
            data.Add(kernel, 1, 4, 1, 1);
            data.Add(kernel, 7, 5, 7, 8);
            data.Add(kernel, 9, 4, 8, 9);
            data.Add(kernel, 8, 6, 31, 33);
            data.Add(kernel, 33, 4, 33, 31);
            data.Add(kernel, 3, 4, 257, 33);
            data.Add(kernel, 3, 4, 257, 257); // stacked weights past the L2 limit: input projection first, then each step's recurrent product
        }
        return data;
    }

    [SkippableTheory]
    [MemberData(nameof(Sizes))]
    public void StackedStepsMatchTheReferenceUnroll(string kernel, int batch, int steps, int input, int hidden)
    {
        InstructionSets.SkipUnless(Enum.Parse<GemmKernelKind>(kernel));
        var layer = new RecurrentLayer<float>(input, new RecurrentSpec { Cell = CellKind.Lstm, HiddenSize = hidden }, new Rng((ulong)(input * 100 + hidden)));
        var doubleLayer = new RecurrentLayer<double>(input, new RecurrentSpec { Cell = CellKind.Lstm, HiddenSize = hidden }, new Rng(1));
        foreach (var ((_, p), (_, q)) in layer.NamedParameters().Zip(doubleLayer.NamedParameters()))
        {
            var source = p.Value.Span;
            var target = q.Value.Span;
            for (int i = 0; i < source.Length; i++) target[i] = source[i];
        }
        var x = Tensor.Normal<float>(new Rng(7), 0, 1, batch, steps, input);
        var r = Tensor.Normal<float>(new Rng(8), 0, 1, batch, steps, hidden);
        var expected = Run(doubleLayer, fused: false, ToDouble(x), ToDouble(r));
        for (int i = 0; i < 3; i++) expected.Add(("inference " + expected[i].Name, expected[i].Values)); // output, final h, final c
        List<(string Name, float[] Values)> actual;
        using (Threads.Limit(1))
        {
            try
            {
                Gemm.ForcedKernel = Enum.Parse<GemmKernelKind>(kernel);
                actual = Run(layer, fused: true, x, r);
                // Inference (nothing requires a gradient) takes the stacked path: output and final states.
                var inference = Infer(layer, x);
                for (int i = 0; i < inference.Count; i++) actual.Add(("inference " + inference[i].Name, inference[i].Values));
            }
            finally
            {
                Gemm.ForcedKernel = GemmKernelKind.Auto;
            }
        }
        // float against double: each pre-activation sums I + H products, each gradient B·T of them.
        double tolerance = 2e-6 * (input + hidden + batch * steps + 16);
        for (int i = 0; i < expected.Count; i++)
        {
            var (name, e) = expected[i];
            var a = actual[i].Values;
            Assert.Equal(e.Length, a.Length);
            for (int j = 0; j < e.Length; j++)
            {
                Assert.True(Math.Abs(e[j] - a[j]) <= tolerance * Math.Max(1, Math.Abs(e[j])), $"{kernel} {name}[{j}]: reference {e[j]:G9}, fused {a[j]:G9}");
            }
        }
    }

    [Theory]
    [InlineData(40, 6)]
    [InlineData(17, 5)]
    [InlineData(64, 4)]
    public void OneThreadAndTwoGiveTheSameBits(int batch, int steps)
    {
        // Each core owns whole 8-row ranges of the batch for all steps; every element is summed in the same order,
        // training and inference (the stacked path) alike.
        var layer = new RecurrentLayer<float>(20, new RecurrentSpec { Cell = CellKind.Lstm, HiddenSize = 40 }, new Rng(3));
        var x = Tensor.Normal<float>(new Rng(4), 0, 1, batch, steps, 20);
        var r = Tensor.Normal<float>(new Rng(5), 0, 1, batch, steps, 40);
        List<(string Name, float[] Values)> one, two;
        using (Threads.Limit(1)) one = [.. Run(layer, true, x, r), .. Infer(layer, x)];
        using (Threads.Limit(2)) two = [.. Run(layer, true, x, r), .. Infer(layer, x)];
        for (int i = 0; i < one.Count; i++) Assert.True(one[i].Values.AsSpan().SequenceEqual(two[i].Values), $"{one[i].Name} differs between 1 and 2 threads");
    }

    [Fact]
    public void StreamingStepsMatchTheStackedSequence()
    {
        // A streaming call (T = 1) projects its input and adds the recurrent product; a sequence multiplies [x, h]
        // in one product. Same sums in another order: equal within float rounding.
        const int batch = 3, steps = 7, input = 9, hidden = 33;
        var layer = new RecurrentLayer<float>(input, new RecurrentSpec { Cell = CellKind.Lstm, HiddenSize = hidden }, new Rng(11));
        foreach (var p in layer.Parameters()) p.RequiresGrad = false;
        var x = Tensor.Normal<float>(new Rng(12), 0, 1, batch, steps, input);
        var sequence = layer.Forward(new Tape<float>(), new Variable<float>(x)).Output.Value.ToArray();
        var state = layer.CreateState(batch);
        var stepInput = new float[batch * input];
        var stepOutput = new float[batch * hidden];
        for (int t = 0; t < steps; t++)
        {
            for (int b = 0; b < batch; b++) x.Span.Slice((b * steps + t) * input, input).CopyTo(stepInput.AsSpan(b * input, input));
            layer.Step(stepInput, state, stepOutput);
            for (int b = 0; b < batch; b++)
            {
                for (int j = 0; j < hidden; j++)
                {
                    float expected = sequence[(b * steps + t) * hidden + j];
                    Assert.True(Math.Abs(expected - stepOutput[b * hidden + j]) <= 1e-5f, $"step {t} row {b} unit {j}: sequence {expected:G9}, streaming {stepOutput[b * hidden + j]:G9}");
                }
            }
        }
    }

    /// <summary>Output, final h and final c of a forward with no gradient anywhere (the inference path).</summary>
    private static List<(string Name, float[] Values)> Infer(RecurrentLayer<float> layer, Tensor<float> x)
    {
        layer.UseFusedKernels = true;
        var saved = layer.Parameters().Select(p => p.RequiresGrad).ToArray();
        foreach (var p in layer.Parameters()) p.RequiresGrad = false;
        try
        {
            var result = layer.Forward(new Tape<float>(), new Variable<float>(x.Clone()));
            return [("output", result.Output.Value.ToArray()), ("final h", result.FinalState[0].Value.ToArray()), ("final c", result.FinalState[1].Value.ToArray())];
        }
        finally
        {
            var parameters = layer.Parameters();
            for (int i = 0; i < parameters.Count; i++) parameters[i].RequiresGrad = saved[i];
        }
    }

    private static Tensor<double> ToDouble(Tensor<float> t)
    {
        var d = new Tensor<double>(t.Shape.ToArray());
        var source = t.Span;
        var target = d.Span;
        for (int i = 0; i < source.Length; i++) target[i] = source[i];
        return d;
    }

    private static List<(string Name, double[] Values)> Run(RecurrentLayer<double> layer, bool fused, Tensor<double> x, Tensor<double> r) =>
        RunLayer(layer, fused, x, r).Select(v => (v.Name, v.Values)).ToList();

    private static List<(string Name, float[] Values)> Run(RecurrentLayer<float> layer, bool fused, Tensor<float> x, Tensor<float> r) =>
        RunLayer(layer, fused, x, r);

    private static List<(string Name, T[] Values)> RunLayer<T>(RecurrentLayer<T> layer, bool fused, Tensor<T> x, Tensor<T> r)
        where T : unmanaged, System.Numerics.IFloatingPointIeee754<T>
    {
        layer.UseFusedKernels = fused;
        layer.ZeroGrad();
        var tape = new Tape<T>();
        var xv = new Variable<T>(x.Clone(), requiresGrad: true, "x");
        var result = layer.Forward(tape, xv);
        tape.Backward((result.Output, r));
        var values = new List<(string, T[])> { ("output", result.Output.Value.ToArray()), ("final h", result.FinalState[0].Value.ToArray()) };
        values.Add(("final c", result.FinalState[1].Value.ToArray()));
        values.Add(("dx", xv.Grad!.ToArray()));
        foreach (var (name, p) in layer.NamedParameters()) values.Add(("d " + name, p.Grad!.ToArray()));
        return values;
    }
}
