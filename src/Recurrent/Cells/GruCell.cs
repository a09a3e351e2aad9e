using System.Numerics;
using Recurrent.Autodiff;
using Recurrent.Tensors;

namespace Recurrent.Cells;

/// <summary>
/// The gated recurrent unit as the lecture writes it (Cho et al., 2014): the reset gate acts on h <em>before</em> the
/// matrix product, and z weighs the candidate:
/// <code>
/// z[t+1] = σ(W_z·[h[t], x[t+1]] + b_z)
/// r[t+1] = σ(W_r·[h[t], x[t+1]] + b_r)
/// h̃[t+1] = tanh(W_h·[r[t+1] ⊙ h[t], x[t+1]] + b_h)
/// h[t+1] = (1 − z[t+1]) ⊙ h[t] + z[t+1] ⊙ h̃[t+1]
/// </code>
/// </summary>
/// <remarks>
/// <para>
/// Storage follows PyTorch's names and block order <b>r, z, n</b> (n = h̃): <c>weight_ih</c> (3H, I), <c>weight_hh</c> (3H, H),
/// <c>bias_ih</c>, <c>bias_hh</c> (3H); each b = b_ih + b_hh. Here z keeps the lecture's meaning (the weight of h̃), so
/// this cell equals ONNX <c>GRU</c> with <c>linear_before_reset = 0</c> after negating the z block (ONNX's z weighs h:
/// z_lecture = 1 − z_onnx = σ(−a)). It differs from PyTorch's <c>nn.GRU</c>, which is <see cref="CudnnGruCell{T}"/>.
/// </para>
/// <para>Initialisation U(−1/√H, 1/√H).</para>
/// </remarks>
/// <typeparam name="T">Element type.</typeparam>
public sealed partial class GruCell<T> : GateBlockCell<T> where T : unmanaged, IFloatingPointIeee754<T>
{
    private readonly (string, int)[] _state;

    /// <summary>Creates the cell with freshly initialised weights.</summary>
    /// <param name="inputSize">I.</param>
    /// <param name="hiddenSize">H.</param>
    /// <param name="rng">The initialisation's random source.</param>
    public GruCell(int inputSize, int hiddenSize, Rng rng) : base(inputSize, hiddenSize, 3, rng)
    {
        _state = [("h", hiddenSize)];
    }

    /// <inheritdoc/>
    public override CellKind Kind => CellKind.Gru;

    /// <inheritdoc/>
    public override IReadOnlyList<(string Name, int Size)> State => _state;





    /// <inheritdoc/>
    protected override CellStep<T> StepCore(Tape<T> tape, Variable<T> x, ReadOnlySpan<Variable<T>> state)
    {
        int n = HiddenSize;
        var h = state[0];
        var gx = tape.Affine(x, WeightIH, BiasIH);                                                // (B, 3H)
        var grz = tape.Affine(h, tape.Rows(WeightHH, 0, 2 * n), tape.Rows(BiasHH, 0, 2 * n));      // (B, 2H)
        var r = tape.Sigmoid(tape.Add(tape.Slice(gx, 0, n), tape.Slice(grz, 0, n)));
        var z = tape.Sigmoid(tape.Add(tape.Slice(gx, n, n), tape.Slice(grz, n, n)));
        var gh = tape.Affine(tape.Mul(r, h), tape.Rows(WeightHH, 2 * n, n), tape.Rows(BiasHH, 2 * n, n));
        var candidate = tape.Tanh(tape.Add(tape.Slice(gx, 2 * n, n), gh));
        var next = tape.Add(h, tape.Mul(z, tape.Sub(candidate, h)));                              // (1−z)⊙h + z⊙h̃
        return new CellStep<T>(next, [next]);
    }
}
