using System.Numerics;
using Recurrent.Autodiff;
using Recurrent.Tensors;

namespace Recurrent.Cells;

/// <summary>
/// The Jordan cell (Jordan, 1986): the previous <em>output</em> is fed back instead of the previous state:
/// <code>
/// h[t+1] = φ(W_hy·ŷ[t] + W_hx·x[t+1] + b_h)
/// ŷ[t+1] = φ_y(W_yh·h[t+1] + b_y)
/// </code>
/// </summary>
/// <remarks>
/// Symbols and shapes: x (B, I), h (B, H), ŷ (B, O) — the state is ŷ alone. W_hx = <c>weight_ih</c> (H, I),
/// b_h = <c>bias_ih</c> (H), W_hy = <c>weight_oh</c> (H, O), W_yh = <c>weight_ho</c> (O, H), b_y = <c>bias_ho</c> (O).
/// PyTorch and ONNX have no such module; the names follow PyTorch's <c>weight_{from}{to}</c> pattern. Initialisation
/// U(−1/√H, 1/√H). Reference: Jordan, "Serial order: a parallel distributed processing approach", 1986.
/// </remarks>
/// <typeparam name="T">Element type.</typeparam>
public sealed class JordanCell<T> : RecurrentCell<T> where T : unmanaged, IFloatingPointIeee754<T>
{
    private readonly (string, int)[] _state;

    /// <summary>Creates the cell with freshly initialised weights.</summary>
    /// <param name="inputSize">I.</param>
    /// <param name="hiddenSize">H.</param>
    /// <param name="outputSize">O, the size of ŷ, which the cell feeds back.</param>
    /// <param name="rng">The initialisation's random source.</param>
    /// <param name="nonlinearity">φ; tanh by default.</param>
    /// <param name="outputActivation">φ_y; tanh by default (a bounded output keeps the feedback stable).</param>
    public JordanCell(int inputSize, int hiddenSize, int outputSize, Rng rng, Activation nonlinearity = Activation.Tanh,
        Activation outputActivation = Activation.Tanh) : base(inputSize, hiddenSize)
    {
        int o = CheckOutputSize(outputSize);
        Nonlinearity = nonlinearity;
        OutputActivation = outputActivation;
        WeightIH = AddWeight("weight_ih", rng, hiddenSize, inputSize);
        BiasIH = AddWeight("bias_ih", rng, hiddenSize);
        WeightOH = AddWeight("weight_oh", rng, hiddenSize, o);
        WeightHO = AddWeight("weight_ho", rng, o, hiddenSize);
        BiasHO = AddWeight("bias_ho", rng, o);
        _state = [("y", o)];
    }

    /// <inheritdoc/>
    public override CellKind Kind => CellKind.Jordan;

    /// <summary>φ.</summary>
    public Activation Nonlinearity { get; }

    /// <summary>φ_y.</summary>
    public Activation OutputActivation { get; }

    /// <inheritdoc/>
    public override int OutputSize => WeightHO.Value.Dim(0);

    /// <inheritdoc/>
    public override IReadOnlyList<(string Name, int Size)> State => _state;

    /// <summary>W_hx, <c>weight_ih</c> (H, I).</summary>
    public Variable<T> WeightIH { get; }

    /// <summary>b_h, <c>bias_ih</c> (H).</summary>
    public Variable<T> BiasIH { get; }

    /// <summary>W_hy, the output feedback, <c>weight_oh</c> (H, O).</summary>
    public Variable<T> WeightOH { get; }

    /// <summary>W_yh, <c>weight_ho</c> (O, H).</summary>
    public Variable<T> WeightHO { get; }

    /// <summary>b_y, <c>bias_ho</c> (O).</summary>
    public Variable<T> BiasHO { get; }

    /// <inheritdoc/>
    protected override CellStep<T> StepCore(Tape<T> tape, Variable<T> x, ReadOnlySpan<Variable<T>> state)
    {
        var a = tape.Add(tape.Affine(x, WeightIH, BiasIH), tape.Affine(state[0], WeightOH, null));
        var h = tape.Activate(a, Nonlinearity);
        var y = tape.Activate(tape.Affine(h, WeightHO, BiasHO), OutputActivation);
        return new CellStep<T>(y, [y]);
    }
}
