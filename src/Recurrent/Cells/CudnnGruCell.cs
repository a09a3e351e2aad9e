using System.Numerics;
using Recurrent.Autodiff;
using Recurrent.Tensors;

namespace Recurrent.Cells;

/// <summary>
/// The GRU as PyTorch's <c>nn.GRU</c> and cuDNN compute it: the reset gate acts <em>after</em> the recurrent product,
/// and z weighs the previous state:
/// <code>
/// r[t+1] = σ(W_ir·x[t+1] + b_ir + W_hr·h[t] + b_hr)
/// z[t+1] = σ(W_iz·x[t+1] + b_iz + W_hz·h[t] + b_hz)
/// n[t+1] = tanh(W_in·x[t+1] + b_in + r[t+1] ⊙ (W_hn·h[t] + b_hn))
/// h[t+1] = (1 − z[t+1]) ⊙ n[t+1] + z[t+1] ⊙ h[t]
/// </code>
/// </summary>
/// <remarks>
/// Storage: <c>weight_ih</c> (3H, I), <c>weight_hh</c> (3H, H), <c>bias_ih</c>, <c>bias_hh</c> (3H), blocks <b>r, z, n</b> exactly as
/// PyTorch, so its weights load unchanged; ONNX <c>GRU</c> with <c>linear_before_reset = 1</c> (blocks z, r, h). Keeping the
/// product before the reset lets all three recurrent products run as one matrix product, which is why cuDNN
/// chose it. Initialisation U(−1/√H, 1/√H).
/// </remarks>
/// <typeparam name="T">Element type.</typeparam>
public sealed partial class CudnnGruCell<T> : GateBlockCell<T> where T : unmanaged, IFloatingPointIeee754<T>
{
    private readonly (string, int)[] _state;

    /// <summary>Creates the cell with freshly initialised weights.</summary>
    /// <param name="inputSize">I.</param>
    /// <param name="hiddenSize">H.</param>
    /// <param name="rng">The initialisation's random source.</param>
    public CudnnGruCell(int inputSize, int hiddenSize, Rng rng) : base(inputSize, hiddenSize, 3, rng)
    {
        _state = [("h", hiddenSize)];
    }

    /// <inheritdoc/>
    public override CellKind Kind => CellKind.CudnnGru;

    /// <inheritdoc/>
    public override IReadOnlyList<(string Name, int Size)> State => _state;





    /// <inheritdoc/>
    protected override CellStep<T> StepCore(Tape<T> tape, Variable<T> x, ReadOnlySpan<Variable<T>> state)
    {
        int n = HiddenSize;
        var h = state[0];
        var gx = tape.Affine(x, WeightIH, BiasIH); // (B, 3H)
        var gh = tape.Affine(h, WeightHH, BiasHH); // (B, 3H)
        var r = tape.Sigmoid(tape.Add(tape.Slice(gx, 0, n), tape.Slice(gh, 0, n)));
        var z = tape.Sigmoid(tape.Add(tape.Slice(gx, n, n), tape.Slice(gh, n, n)));
        var candidate = tape.Tanh(tape.Add(tape.Slice(gx, 2 * n, n), tape.Mul(r, tape.Slice(gh, 2 * n, n))));
        var next = tape.Add(candidate, tape.Mul(z, tape.Sub(h, candidate))); // (1−z)⊙n + z⊙h
        return new CellStep<T>(next, [next]);
    }
}
