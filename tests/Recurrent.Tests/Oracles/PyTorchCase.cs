using System.Numerics;
using Recurrent.Autodiff;
using Recurrent.Cells;
using Recurrent.Layers;
using Recurrent.Tensors;

namespace Recurrent.Tests.Oracles;

/// <summary>
/// One <c>pytorch/</c> oracle case: an <c>nn.RNN</c>/<c>nn.LSTM</c>/<c>nn.GRU</c> with its weights, inputs, outputs and
/// gradients computed by libtorch in float64. <see cref="Check{T}"/> runs the same computation through
/// <see cref="RecurrentLayer{T}"/> and lists every value that differs by more than the tolerance.
/// </summary>
public sealed class PyTorchCase
{
    public required string File { get; init; }
    public required CellKind Kind { get; init; }
    public required Activation Nonlinearity { get; init; }
    public required int Batch, Steps, Input, Hidden, Layers;
    public required bool Bidirectional;
    public required Dictionary<string, Tensor<double>> Params { get; init; }
    public required Tensor<double> X, H0;
    public Tensor<double>? C0;
    public int[]? Lengths;
    public required Tensor<double> R, Rh;
    public Tensor<double>? Rc;
    public required Tensor<double> Output, HN;
    public Tensor<double>? CN;
    public required Dictionary<string, Tensor<double>> Grads { get; init; }

    public bool IsLstm => Kind == CellKind.Lstm;

    public static PyTorchCase Parse(OracleJson j)
    {
        string module = j.String("config", "module");
        var (kind, nonlinearity) = module switch
        {
            "RNN" => (CellKind.Elman, j.String("config", "nonlinearity") switch
            {
                "tanh" => Activation.Tanh,
                "relu" => Activation.Relu,
                var other => throw j.Bad($"unknown nonlinearity '{other}'"),
            }),
            "LSTM" => (CellKind.Lstm, Activation.Tanh),
            "GRU" => (CellKind.CudnnGru, Activation.Tanh),
            _ => throw j.Bad($"unknown module '{module}'"),
        };
        if (!j.Bool("config", "batch_first")) throw j.Bad("only batch_first cases are described by the README");
        int b = j.Int("config", "batch"), t = j.Int("config", "seq_len"), i = j.Int("config", "input_size");
        int h = j.Int("config", "hidden_size"), l = j.Int("config", "num_layers");
        bool bidir = j.Bool("config", "bidirectional");
        int d = bidir ? 2 : 1;
        bool lstm = kind == CellKind.Lstm;
        int[] stateShape = [l * d, b, h];

        var parameters = new Dictionary<string, Tensor<double>>();
        foreach (var name in j.Keys("params")) parameters[name] = j.Tensor("params", name);
        var grads = new Dictionary<string, Tensor<double>>();
        foreach (var name in j.Keys("grads")) grads[name] = j.Tensor("grads", name);
        foreach (var name in parameters.Keys)
        {
            if (!grads.ContainsKey(name)) throw j.Bad($"grads has no entry for parameter '{name}'");
        }
        int[]? lengths = null;
        if (j.Has("inputs", "lengths"))
        {
            var lt = j.Tensor([b], "inputs", "lengths");
            lengths = lt.ToArray().Select(v => (int)v).ToArray();
        }
        return new PyTorchCase
        {
            File = j.File, Kind = kind, Nonlinearity = nonlinearity,
            Batch = b, Steps = t, Input = i, Hidden = h, Layers = l, Bidirectional = bidir,
            Params = parameters,
            X = j.Tensor([b, t, i], "inputs", "x"),
            H0 = j.Tensor(stateShape, "inputs", "h0"),
            C0 = lstm ? j.Tensor(stateShape, "inputs", "c0") : null,
            Lengths = lengths,
            R = j.Tensor([b, t, d * h], "loss_weights", "R"),
            Rh = j.Tensor(stateShape, "loss_weights", "Rh"),
            Rc = lstm ? j.Tensor(stateShape, "loss_weights", "Rc") : null,
            Output = j.Tensor([b, t, d * h], "outputs", "output"),
            HN = j.Tensor(stateShape, "outputs", "h_n"),
            CN = lstm ? j.Tensor(stateShape, "outputs", "c_n") : null,
            Grads = grads,
        };
    }

    /// <summary>Builds the layer, loads the weights by their PyTorch names, runs forward and backward, and compares.</summary>
    /// <param name="tolerance">Largest accepted absolute difference.</param>
    /// <param name="configure">Adjusts the layer before it runs (e.g. chooses the reference or fused path).</param>
    /// <returns>One line per mismatching tensor (worst element), empty when everything matches.</returns>
    public List<string> Check<T>(double tolerance, Action<RecurrentLayer<T>>? configure = null) where T : unmanaged, IFloatingPointIeee754<T>
    {
        var spec = new RecurrentSpec
        {
            Cell = Kind, HiddenSize = Hidden, Layers = Layers, Bidirectional = Bidirectional, BatchFirst = true, Nonlinearity = Nonlinearity,
        };
        var layer = new RecurrentLayer<T>(Input, spec, new Rng(0));
        configure?.Invoke(layer);
        layer.LoadStateDict(Params.ToDictionary(p => p.Key, p => p.Value.Convert<T>()));

        var x = new Variable<T>(X.Convert<T>(), requiresGrad: true, "x");
        var h0 = new Variable<T>(H0.Convert<T>(), requiresGrad: true, "h0");
        var c0 = C0 is null ? null : new Variable<T>(C0.Convert<T>(), requiresGrad: true, "c0");
        var tape = new Tape<T>();
        var result = layer.Forward(tape, x, c0 is null ? [h0] : [h0, c0], Lengths);

        var failures = new List<string>();
        OracleCompare.Compare(File, "output", Output, result.Output.Value, tolerance, failures);
        OracleCompare.Compare(File, "h_n", HN, result.FinalState[0].Value, tolerance, failures);
        if (CN is not null) OracleCompare.Compare(File, "c_n", CN, result.FinalState[1].Value, tolerance, failures);

        if (Rc is null) tape.Backward((result.Output, R.Convert<T>()), (result.FinalState[0], Rh.Convert<T>()));
        else tape.Backward((result.Output, R.Convert<T>()), (result.FinalState[0], Rh.Convert<T>()), (result.FinalState[1], Rc.Convert<T>()));

        CompareGrad("x", x, failures, tolerance);
        CompareGrad("h0", h0, failures, tolerance);
        if (c0 is not null) CompareGrad("c0", c0, failures, tolerance);
        foreach (var (name, p) in layer.NamedParameters()) CompareGrad(name, p, failures, tolerance);
        return failures;
    }

    private void CompareGrad<T>(string name, Variable<T> v, List<string> failures, double tolerance) where T : unmanaged, IFloatingPointIeee754<T>
    {
        if (!Grads.TryGetValue(name, out var expected))
        {
            failures.Add($"{File}: the case has no gradient for '{name}'");
            return;
        }
        OracleCompare.Compare(File, "grad " + name, expected, v.Grad ?? new Tensor<T>(v.Value.Shape.ToArray()), tolerance, failures);
    }
}
