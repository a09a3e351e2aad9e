using System.Numerics;
using Recurrent.Autodiff;
using Recurrent.Tensors;

namespace Recurrent.Cells;

/// <summary>
/// Long short-term memory (Hochreiter and Schmidhuber, 1997, with the forget gate of Gers et al., 2000), in the
/// lecture's notation:
/// <code>
/// f[t+1] = σ(W_f·[h[t], x[t+1]] + b_f)           forget gate
/// i[t+1] = σ(W_i·[h[t], x[t+1]] + b_i)           input gate
/// C̃[t+1] = tanh(W_C·[h[t], x[t+1]] + b_C)        candidate
/// C[t+1] = f[t+1] ⊙ C[t] + i[t+1] ⊙ C̃[t+1]
/// o[t+1] = σ(W_o·[h[t], x[t+1]] + b_o)           output gate
/// h[t+1] = o[t+1] ⊙ tanh(C[t+1])
/// </code>
/// </summary>
/// <remarks>
/// <para>
/// Shapes: x (B, I), h and C (B, H). Each <c>W_g·[h, x]</c> is stored split as PyTorch does: the input part in
/// <c>weight_ih</c> (4H, I) and the recurrent part in <c>weight_hh</c> (4H, H), each bias as <c>bias_ih</c> + <c>bias_hh</c> (4H),
/// with the gate blocks in PyTorch's order <b>i, f, g (= C̃), o</b>. ONNX orders them i, o, f, c.
/// </para>
/// <para>
/// Initialisation U(−1/√H, 1/√H); <c>forgetBias</c> sets b_f's <c>bias_ih</c> block (and zeroes its
/// <c>bias_hh</c> block) so that the cell starts by remembering.
/// </para>
/// </remarks>
/// <typeparam name="T">Element type.</typeparam>
public sealed partial class LstmCell<T> : GateBlockCell<T> where T : unmanaged, IFloatingPointIeee754<T>
{
    private readonly (string, int)[] _state;

    /// <summary>Creates the cell with freshly initialised weights.</summary>
    /// <param name="inputSize">I.</param>
    /// <param name="hiddenSize">H.</param>
    /// <param name="rng">The initialisation's random source.</param>
    /// <param name="forgetBias">The initial forget-gate bias b_f (1 is the usual choice); null for the default initialisation.</param>
    public LstmCell(int inputSize, int hiddenSize, Rng rng, double? forgetBias = null) : base(inputSize, hiddenSize, 4, rng)
    {
        if (forgetBias is { } forget)
        {
            BiasIH.Value.Span.Slice(hiddenSize, hiddenSize).Fill(T.CreateTruncating(forget));
            BiasHH.Value.Span.Slice(hiddenSize, hiddenSize).Clear();
        }
        _state = [("h", hiddenSize), ("c", hiddenSize)];
    }

    /// <inheritdoc/>
    public override CellKind Kind => CellKind.Lstm;

    /// <inheritdoc/>
    public override IReadOnlyList<(string Name, int Size)> State => _state;





    /// <inheritdoc/>
    protected override CellStep<T> StepCore(Tape<T> tape, Variable<T> x, ReadOnlySpan<Variable<T>> state)
    {
        int n = HiddenSize;
        var gates = tape.Add(tape.Affine(x, WeightIH, BiasIH), tape.Affine(state[0], WeightHH, BiasHH)); // (B, 4H)
        var i = tape.Sigmoid(tape.Slice(gates, 0, n));
        var f = tape.Sigmoid(tape.Slice(gates, n, n));
        var candidate = tape.Tanh(tape.Slice(gates, 2 * n, n));
        var o = tape.Sigmoid(tape.Slice(gates, 3 * n, n));
        var c = tape.Add(tape.Mul(f, state[1]), tape.Mul(i, candidate));
        var h = tape.Mul(o, tape.Tanh(c));
        return new CellStep<T>(h, [h, c]);
    }
}
