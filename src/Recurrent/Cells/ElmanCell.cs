using System.Numerics;
using Recurrent.Autodiff;
using Recurrent.Tensors;

namespace Recurrent.Cells;

/// <summary>
/// The basic recurrent cell (Elman, 1990), fed back its previous state:
/// <code>
/// h[t+1] = φ(W_hh·h[t] + W_hx·x[t+1] + b_h)
/// ŷ[t+1] = φ_y(W_yh·h[t+1] + b_y)            (optional output layer)
/// </code>
/// equivalently <c>h[t+1] = φ(W_h·[h[t], x[t+1]] + b_h)</c> with <c>W_h = [W_hh | W_hx]</c> (the lecture's concatenation view).
/// </summary>
/// <remarks>
/// <para>
/// Symbols and shapes: x[t+1] (B, I) input, h (B, H) state, W_hx = <c>weight_ih</c> (H, I), W_hh = <c>weight_hh</c> (H, H),
/// b_h = <c>bias_ih</c> + <c>bias_hh</c> (two H-vectors, as PyTorch keeps them), φ ∈ {tanh, σ, relu}.
/// With an output layer (<c>outputSize</c> = O): W_yh = <c>weight_ho</c> (O, H), b_y = <c>bias_ho</c> (O), φ_y.
/// </para>
/// <para>
/// Without an output layer this is PyTorch's <c>nn.RNN</c> (nonlinearity tanh or relu) and ONNX's <c>RNN</c>.
/// Initialisation: every weight U(−1/√H, 1/√H). Reference: Elman, "Finding structure in time", Cognitive Science 1990.
/// </para>
/// </remarks>
/// <typeparam name="T">Element type.</typeparam>
public sealed partial class ElmanCell<T> : GateBlockCell<T> where T : unmanaged, IFloatingPointIeee754<T>
{
    private readonly (string, int)[] _state;

    /// <summary>Creates the cell with freshly initialised weights.</summary>
    /// <param name="inputSize">I.</param>
    /// <param name="hiddenSize">H.</param>
    /// <param name="rng">The initialisation's random source.</param>
    /// <param name="nonlinearity">φ; tanh by default, as PyTorch.</param>
    /// <param name="outputSize">O of an output layer ŷ; null for none (the cell outputs h, as PyTorch's <c>nn.RNN</c>).</param>
    /// <param name="outputActivation">φ_y of the output layer, when there is one.</param>
    public ElmanCell(int inputSize, int hiddenSize, Rng rng, Activation nonlinearity = Activation.Tanh, int? outputSize = null,
        Activation outputActivation = Activation.Tanh) : base(inputSize, hiddenSize, 1, rng)
    {
        Nonlinearity = nonlinearity;
        OutputActivation = outputActivation;
        int o = outputSize is null ? 0 : CheckOutputSize(outputSize.Value);
        if (o > 0)
        {
            WeightHO = AddWeight("weight_ho", rng, o, hiddenSize);
            BiasHO = AddWeight("bias_ho", rng, o);
        }
        _state = [("h", hiddenSize)];
    }

    /// <inheritdoc/>
    public override CellKind Kind => CellKind.Elman;

    /// <summary>φ.</summary>
    public Activation Nonlinearity { get; }

    /// <summary>φ_y, used when the cell has an output layer.</summary>
    public Activation OutputActivation { get; }

    /// <inheritdoc/>
    public override int OutputSize => WeightHO?.Value.Dim(0) ?? HiddenSize;

    /// <inheritdoc/>
    public override IReadOnlyList<(string Name, int Size)> State => _state;





    /// <summary>W_yh, <c>weight_ho</c> (O, H), or null without an output layer.</summary>
    public Variable<T>? WeightHO { get; }

    /// <summary>b_y, <c>bias_ho</c> (O), or null without an output layer.</summary>
    public Variable<T>? BiasHO { get; }

    /// <inheritdoc/>
    protected override CellStep<T> StepCore(Tape<T> tape, Variable<T> x, ReadOnlySpan<Variable<T>> state)
    {
        var a = tape.Add(tape.Affine(x, WeightIH, BiasIH), tape.Affine(state[0], WeightHH, BiasHH));
        var h = tape.Activate(a, Nonlinearity);
        var y = WeightHO is null ? h : tape.Activate(tape.Affine(h, WeightHO, BiasHO), OutputActivation);
        return new CellStep<T>(y, [h]);
    }
}
