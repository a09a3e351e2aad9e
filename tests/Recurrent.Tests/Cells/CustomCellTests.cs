using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Recurrent.Autodiff;
using Recurrent.Cells;
using Recurrent.Layers;
using Recurrent.Losses;
using Recurrent.Serialization;
using Recurrent.Tensors;
using Recurrent.Tests.Models;
using Recurrent.Tests.Oracles;
using Recurrent.Tests.Serialization;
using static Recurrent.Tests.Autodiff.GradAssert;

using Recurrent.Tests.Layers;

namespace Recurrent.Tests.Cells;

/// <summary>
/// A cell the library does not have (<see cref="MinimalGatedUnit{T}"/>) gets everything the library's cells get:
/// gradients from the tape, a layer that stacks, reverses, masks and streams it, training with the trainer, saving and
/// loading by module names, and dropout that follows Train/Eval.
/// </summary>
public class CustomCellTests
{
    private static RecurrentSpec Spec(int hidden, int layers = 1, bool bidirectional = false, double dropout = 0, bool batchFirst = true) => new()
    {
        Cell = CellKind.Custom, HiddenSize = hidden, Layers = layers, Bidirectional = bidirectional, Dropout = dropout, BatchFirst = batchFirst,
    };

    private static RecurrentLayer<T> MguLayer<T>(int input, RecurrentSpec spec, Rng rng) where T : unmanaged, System.Numerics.IFloatingPointIeee754<T> =>
        new(input, spec, (i, r) => new MinimalGatedUnit<T>(i, spec.HiddenSize, r), rng);

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void StackedBidirectionalVariableLengthLayerMatchesFiniteDifferences(bool batchFirst)
    {
        const int batch = 3, steps = 4, input = 2, hidden = 3, layers = 2;
        var rng = new Rng(21);
        var layer = MguLayer<double>(input, Spec(hidden, layers, bidirectional: true, batchFirst: batchFirst), rng);
        Assert.False(layer.RunsFused);
        var x = Param(rng, "x", batchFirst ? [batch, steps, input] : [steps, batch, input]);
        var h0 = Param(rng, "h0", layers * 2, batch, hidden);
        int[] lengths = [4, 1, 3];
        var r = Random(rng, batchFirst ? [batch, steps, layer.OutputSize] : [steps, batch, layer.OutputSize]);
        var rh = Random(rng, layers * 2, batch, hidden);

        Variable<double> Loss(Tape<double> tape)
        {
            var result = layer.Forward(tape, x, [h0], lengths);
            return tape.Add(Project(tape, result.Output, r), Project(tape, result.FinalState[0], rh));
        }

        Check(Loss, [x, h0, .. layer.Parameters()]);
    }

    [Fact]
    public void LayerOutputIsTheEquationsOnPlainArrays()
    {
        const int batch = 2, steps = 4, input = 3, hidden = 5;
        var rng = new Rng(22);
        var layer = MguLayer<double>(input, Spec(hidden, bidirectional: true), rng);
        var x = Tensor.Uniform<double>(rng, -2, 2, batch, steps, input);
        int[] lengths = [4, 2];
        var result = layer.Forward(new Tape<double>(), new Variable<double>(x), lengths: lengths);

        for (int d = 0; d < 2; d++)
        {
            var cell = (MinimalGatedUnit<double>)layer.Cells[d];
            for (int b = 0; b < batch; b++)
            {
                var (outputs, final) = NaiveMgu(cell, x, b, lengths[b], reverse: d == 1);
                for (int t = 0; t < steps; t++)
                {
                    for (int j = 0; j < hidden; j++)
                    {
                        double expected = t < lengths[b] ? outputs[t][j] : 0; // padded steps output zero
                        Assert.Equal(expected, result.Output.Value[b, t, d * hidden + j], 12);
                    }
                }
                for (int j = 0; j < hidden; j++) Assert.Equal(final[j], result.FinalState[0].Value[d, b, j], 12);
            }
        }
    }

    /// <summary>
    /// The cell's three equations for sequence <paramref name="b"/>, a loop over plain arrays that shares nothing with
    /// the tape: its outputs h[1] … h[len] (by step) and h[len]; the reverse direction reads steps len−1 … 0.
    /// </summary>
    private static (double[][] Outputs, double[] Final) NaiveMgu(MinimalGatedUnit<double> cell, Tensor<double> x, int b, int length, bool reverse)
    {
        int n = cell.HiddenSize, m = cell.InputSize;
        double[] wf = cell.WeightF.Value.ToArray(), bf = cell.BiasF.Value.ToArray();   // (H, H+I), (H)
        double[] wh = cell.WeightH.Value.ToArray(), bh = cell.BiasH.Value.ToArray();
        var h = new double[n];
        var outputs = new double[length][];
        for (int s = 0; s < length; s++)
        {
            int t = reverse ? length - 1 - s : s;
            var f = new double[n];
            for (int j = 0; j < n; j++)
            {
                double a = bf[j];                                                           // W_f·[h, x] + b_f
                for (int k = 0; k < n; k++) a += wf[j * (n + m) + k] * h[k];
                for (int k = 0; k < m; k++) a += wf[j * (n + m) + n + k] * x[b, t, k];
                f[j] = 1 / (1 + Math.Exp(-a));
            }
            var next = new double[n];
            for (int j = 0; j < n; j++)
            {
                double a = bh[j];                                                           // W_h·[f ⊙ h, x] + b_h
                for (int k = 0; k < n; k++) a += wh[j * (n + m) + k] * f[k] * h[k];
                for (int k = 0; k < m; k++) a += wh[j * (n + m) + n + k] * x[b, t, k];
                next[j] = (1 - f[j]) * h[j] + f[j] * Math.Tanh(a);
            }
            h = next;
            outputs[t] = next;
        }
        return (outputs, h);
    }

    /// <summary>A user's own model: a layer of minimal gated units, its last valid step, a linear head.</summary>
    private sealed class MguClassifier : Module<float>
    {
        public MguClassifier(int input, int classes, RecurrentSpec spec, Rng rng)
        {
            Rnn = RegisterModule("rnn", MguLayer<float>(input, spec, rng));
            Head = RegisterModule("head", new Linear<float>(Rnn.OutputSize, classes, rng));
        }

        public RecurrentLayer<float> Rnn { get; }

        public Linear<float> Head { get; }

        public Variable<float> Forward(Tape<float> tape, Variable<float> x, ReadOnlySpan<int> lengths = default) =>
            Head.Forward(tape, tape.LastStep(Rnn.Forward(tape, x, lengths: lengths).Output, lengths));
    }

    [Fact]
    public void TheTrainerTrainsAModelOfMinimalGatedUnits()
    {
        var model = new MguClassifier(1, 2, Spec(hidden: 12), new Rng(23));
        var rng = new Rng(24);
        double loss = TinyTraining.Fit(model, 250, 0.02, (tape, _) =>
        {
            var (x, labels, lengths) = Models.SequenceClassifierTests.FirstSignBatch(rng, 32, 6);
            return tape.SoftmaxCrossEntropy(model.Forward(tape, new Variable<float>(x), lengths), labels);
        });
        Assert.True(loss < 0.15, $"cross-entropy {loss:F3} after 250 steps; expected < 0.15 (chance is ln 2 = 0.69)");
    }

    [Fact]
    public void SaveAndLoadWeightsRoundTripByModuleNames()
    {
        var spec = Spec(hidden: 4, layers: 2, bidirectional: true);
        var model = new MguClassifier(3, 2, spec, new Rng(25));
        string[] expected =
        [
            .. from k in new[] { 0, 1 }
               from direction in new[] { "", "_reverse" }
               from w in new[] { "weight_f", "bias_f", "weight_h", "bias_h" }
               select $"rnn.{w}_l{k}{direction}",
            "head.weight", "head.bias",
        ];
        Assert.Equal(expected, model.NamedParameters().Select(p => p.Name));
        Assert.Equal([4, 2 * 4 + 4], model.StateDict()["rnn.weight_h_l1_reverse"].Shape.ToArray()); // (H, H + D·H)

        using var folder = new TemporaryFolder();
        string path = folder.File("mgu.safetensors");
        model.Save(path);
        Assert.Equal(expected.Order(), SafetensorsFile.Read(path).Entries.Select(e => e.Name).Order());

        var x = new Variable<float>(Tensor.Normal<float>(new Rng(26), 0, 1, 3, 5, 3));
        int[] lengths = [5, 2, 4];
        var before = model.Forward(new Tape<float>(), x, lengths).Value.ToArray();
        var fresh = new MguClassifier(3, 2, spec, new Rng(27));
        Assert.NotEqual(before, fresh.Forward(new Tape<float>(), x, lengths).Value.ToArray());
        fresh.LoadWeights(path);
        Assert.Equal(before, fresh.Forward(new Tape<float>(), x, lengths).Value.ToArray());
    }

    [Fact]
    public void DropoutBetweenCustomLayersOnlyWhileTraining()
    {
        var rng = new Rng(28);
        var layer = MguLayer<double>(3, Spec(hidden: 4, layers: 2, dropout: 0.5), rng);
        var plain = MguLayer<double>(3, Spec(hidden: 4, layers: 2), new Rng(29));
        plain.LoadStateDict(layer.StateDict());
        var x = new Variable<double>(Random(rng, 2, 5, 3));
        var noDropout = plain.Forward(new Tape<double>(), x).Output.Value.ToArray();

        Assert.True(layer.IsTraining);
        var training = layer.Forward(new Tape<double>(), x).Output.Value.ToArray();
        Assert.NotEqual(noDropout, training);
        layer.Eval();
        Assert.Equal(noDropout, layer.Forward(new Tape<double>(), x).Output.Value.ToArray());
        layer.Train();
        Assert.NotEqual(noDropout, layer.Forward(new Tape<double>(), x).Output.Value.ToArray());
    }

    [Fact]
    public void StreamingStepsEqualTheWholeSequence()
    {
        const int batch = 3, steps = 5, input = 4;
        var layer = MguLayer<float>(input, Spec(hidden: 7, layers: 2), new Rng(30));
        layer.Eval();
        var x = Tensor.Normal<float>(new Rng(31), 0, 1, batch, steps, input);
        StreamingAssert.StepsEqualForward(layer, x);
    }

    [Fact]
    public void ALayerOrModelThatCannotMakeOrUnrollTheCellsSaysWhy()
    {
        var rng = new Rng(32);
        var notCustom = Assert.Throws<ArgumentException>(() => new RecurrentLayer<float>(3, new RecurrentSpec { HiddenSize = 4 }, (i, r) => new MinimalGatedUnit<float>(i, 4, r), rng));
        Assert.Contains("Cell = CellKind.Custom", notCustom.Message);
        var noFactory = Assert.Throws<ArgumentException>(() => new RecurrentLayer<float>(3, Spec(hidden: 4), rng));
        Assert.Contains("createCell", noFactory.Message);
        var wrongInput = Assert.Throws<InvalidOperationException>(() => new RecurrentLayer<float>(3, Spec(hidden: 4, layers: 2), (_, r) => new MinimalGatedUnit<float>(3, 4, r), rng));
        Assert.Contains("layer 1 has InputSize = 3; expected the 4", wrongInput.Message);
        var wrongHidden = Assert.Throws<InvalidOperationException>(() => new RecurrentLayer<float>(3, Spec(hidden: 4), (i, r) => new MinimalGatedUnit<float>(i, 5, r), rng));
        Assert.Contains("HiddenSize = 5; the spec's HiddenSize is 4", wrongHidden.Message);
        var shared = new MinimalGatedUnit<float>(4, 4, rng);
        var twice = Assert.Throws<InvalidOperationException>(() => new RecurrentLayer<float>(4, Spec(hidden: 4, bidirectional: true), (_, _) => shared, rng));
        Assert.Contains("returned before", twice.Message);
        var model = Assert.Throws<ArgumentException>(() => new Recurrent.Models.SequenceClassifierConfig(3, 2, Spec(hidden: 4)).Validate());
        Assert.Contains("a Module around new RecurrentLayer<T>(inputSize, spec, createCell, rng)", model.Message);
    }

    /// <summary>
    /// The cell is written against the public surface alone: its file, compiled by itself into an assembly the library
    /// does not open its internals to, builds without error.
    /// </summary>
    [Fact]
    public void TheCellNeedsOnlyThePublicSurface()
    {
        string source = File.ReadAllText(Path.Combine(OracleFolder.RepositoryRoot, "tests", "Recurrent.Tests", "Cells", "MinimalGatedUnit.cs"));
        const string usings = "global using System;\nglobal using System.Collections.Generic;\nglobal using System.Linq;\n";
        var references = ((string)AppContext.GetData("TRUSTED_PLATFORM_ASSEMBLIES")!).Split(Path.PathSeparator)
            .Concat([typeof(Rng).Assembly.Location])
            .Distinct()
            .Select(path => MetadataReference.CreateFromFile(path));
        var options = new CSharpParseOptions(LanguageVersion.Latest);
        var compilation = CSharpCompilation.Create("UserCells",
            [CSharpSyntaxTree.ParseText(usings, options), CSharpSyntaxTree.ParseText(source, options)],
            references, new CSharpCompilationOptions(OutputKind.DynamicallyLinkedLibrary, nullableContextOptions: NullableContextOptions.Enable));
        using var image = new MemoryStream();
        var emitted = compilation.Emit(image);
        var problems = emitted.Diagnostics.Where(d => d.Severity >= DiagnosticSeverity.Warning).ToList();
        Assert.True(emitted.Success && problems.Count == 0, "MinimalGatedUnit.cs does not build on the public surface alone:\n" + string.Join("\n", problems));
    }
}
