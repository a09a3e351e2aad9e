using Recurrent.Autodiff;
using Recurrent.Cells;
using Recurrent.Layers;
using Recurrent.Onnx.Export;
using Recurrent.Tensors;

namespace Recurrent.Tests.Onnx.Export;

/// <summary>
/// A recurrent layer exported and run in ONNX Runtime against the library's own forward pass on the same random
/// padded batch (odd sizes: B 3, T 5, I 3, H 5, O 4; lengths 5, 2, 4) and random initial states.
/// </summary>
internal static class LayerExportCases
{
    public const int Batch = 3, Steps = 5, Input = 3, Hidden = 5, CellOutput = 4;
    public static readonly int[] Lengths = [5, 2, 4];

    /// <summary>The cells of the matrix, by name.</summary>
    public static readonly (string Name, RecurrentSpec Spec)[] Cells =
    [
        ("Elman tanh", new RecurrentSpec { Cell = CellKind.Elman, HiddenSize = Hidden, Nonlinearity = Activation.Tanh }),
        ("Elman relu", new RecurrentSpec { Cell = CellKind.Elman, HiddenSize = Hidden, Nonlinearity = Activation.Relu }),
        ("Elman sigmoid", new RecurrentSpec { Cell = CellKind.Elman, HiddenSize = Hidden, Nonlinearity = Activation.Sigmoid }),
        ("Elman identity", new RecurrentSpec { Cell = CellKind.Elman, HiddenSize = Hidden, Nonlinearity = Activation.Identity }),
        ("Elman + output layer", new RecurrentSpec { Cell = CellKind.Elman, HiddenSize = Hidden, CellOutputSize = CellOutput, OutputActivation = Activation.Sigmoid }),
        ("Jordan", new RecurrentSpec { Cell = CellKind.Jordan, HiddenSize = Hidden, CellOutputSize = CellOutput }),
        ("ElmanJordan", new RecurrentSpec { Cell = CellKind.ElmanJordan, HiddenSize = Hidden, CellOutputSize = CellOutput, Nonlinearity = Activation.Relu }),
        ("Lstm", new RecurrentSpec { Cell = CellKind.Lstm, HiddenSize = Hidden }),
        ("Gru", new RecurrentSpec { Cell = CellKind.Gru, HiddenSize = Hidden }),
        ("CudnnGru", new RecurrentSpec { Cell = CellKind.CudnnGru, HiddenSize = Hidden }),
    ];

    /// <summary>The stacking, direction and layout variants of the matrix.</summary>
    public static readonly (string Name, Func<RecurrentSpec, RecurrentSpec> Apply)[] Shapes =
    [
        ("1 layer", s => s),
        ("2 layers", s => s with { Layers = 2 }),
        ("bidirectional", s => s with { Bidirectional = true }),
        ("2 layers bidirectional time-first", s => s with { Layers = 2, Bidirectional = true, BatchFirst = false }),
    ];

    public static RecurrentSpec Spec(string cell, string shape) =>
        Shapes.Single(s => s.Name == shape).Apply(Cells.Single(c => c.Name == cell).Spec);

    /// <summary>Max |Recurrent − ORT| over the output y and over the final states.</summary>
    public static (double Output, double States) Run(RecurrentSpec spec, OnnxExportOptions? options = null, ulong seed = 7)
    {
        options ??= new OnnxExportOptions();
        var rng = new Rng(seed);
        var layer = new RecurrentLayer<float>(Input, spec, rng);
        layer.Eval();
        int[] shape = spec.BatchFirst ? [Batch, Steps, Input] : [Steps, Batch, Input];
        var x = Tensor.Uniform<float>(rng, -1, 1, shape);
        int stacked = spec.Layers * layer.Directions;
        var initial = layer.State.Select(s => Tensor.Uniform<float>(rng, -0.5, 0.5, stacked, Batch, s.Size)).ToArray();
        int[] lengths = options.VariableLengths ? Lengths : [];

        var tape = new Tape<float>();
        var expected = layer.Forward(tape, new Variable<float>(x),
            options.InitialStates ? initial.Select(t => new Variable<float>(t)).ToArray() : null, lengths);

        using var session = new OrtSession(OnnxExporter.Export(layer, options)["model"]);
        var inputs = new List<(string, Array, int[])> { ("x", x.Span.ToArray(), shape) };
        if (options.VariableLengths) inputs.Add(("lengths", lengths, [Batch]));
        if (options.InitialStates)
        {
            for (int c = 0; c < initial.Length; c++) inputs.Add((layer.State[c].Name + "0", initial[c].Span.ToArray(), initial[c].Shape.ToArray()));
        }
        var actual = session.Run([.. inputs]);
        double output = Differences.Max(expected.Output.Value.Span, actual["y"].Values, "y");
        Assert.Equal(expected.Output.Value.Shape.ToArray(), actual["y"].Shape);
        double states = 0;
        for (int c = 0; c < layer.State.Count; c++)
        {
            string name = layer.State[c].Name + "n";
            states = Math.Max(states, Differences.Max(expected.FinalState[c].Value.Span, actual[name].Values, name));
        }
        return (output, states);
    }
}
