using System.Numerics;
using Recurrent.Autodiff;
using Recurrent.Cells;
using Recurrent.Tensors;

namespace Recurrent.Tests.Cells;

/// <summary>
/// The minimal gated unit (Zhou et al., 2016), a cell the library does not have, written as a user would: the GRU
/// with one gate f doing the work of both r and z:
/// <code>
/// f[t+1] = σ(W_f·[h[t], x[t+1]] + b_f)
/// h̃[t+1] = tanh(W_h·[f[t+1] ⊙ h[t], x[t+1]] + b_h)
/// h[t+1] = (1 − f[t+1]) ⊙ h[t] + f[t+1] ⊙ h̃[t+1]
/// </code>
/// </summary>
/// <remarks>
/// <para>
/// Symbols and shapes: x[t+1] (B, I), h (B, H); W_f = <c>weight_f</c> and W_h = <c>weight_h</c> are (H, H + I), each
/// acting on the lecture's concatenation [h, x] (the first H columns read h, the last I read x); b_f = <c>bias_f</c>,
/// b_h = <c>bias_h</c> (H). Initialisation U(−1/√H, 1/√H), as every cell of the library.
/// </para>
/// <para>
/// It lives in the tests, not the library, and uses only the public surface (<see cref="RecurrentCell{T}"/>, the
/// tape's public ops): <c>CustomCellTests</c> compiles this file alone against the library to hold it to that. Its
/// gradients come from the tape; a <c>RecurrentLayer</c> built with <c>createCell</c> stacks, reverses, masks and
/// streams it, and the module tree trains, saves and loads it. Reference: Zhou, Wu, Zhang and Zhou, "Minimal gated
/// unit for recurrent neural networks", International Journal of Automation and Computing 13(3), 2016.
/// </para>
/// </remarks>
/// <typeparam name="T">Element type.</typeparam>
public sealed class MinimalGatedUnit<T> : RecurrentCell<T> where T : unmanaged, IFloatingPointIeee754<T>
{
    private readonly (string, int)[] _state;

    /// <summary>Creates the cell with freshly initialised weights.</summary>
    /// <param name="inputSize">I.</param>
    /// <param name="hiddenSize">H.</param>
    /// <param name="rng">The initialisation's random source.</param>
    public MinimalGatedUnit(int inputSize, int hiddenSize, Rng rng) : base(inputSize, hiddenSize)
    {
        WeightF = AddWeight("weight_f", rng, hiddenSize, hiddenSize + inputSize);
        BiasF = AddWeight("bias_f", rng, hiddenSize);
        WeightH = AddWeight("weight_h", rng, hiddenSize, hiddenSize + inputSize);
        BiasH = AddWeight("bias_h", rng, hiddenSize);
        _state = [("h", hiddenSize)];
    }

    /// <summary>Not one of the library's cells.</summary>
    public override CellKind Kind => CellKind.Custom;

    /// <summary>One state tensor, h.</summary>
    public override IReadOnlyList<(string Name, int Size)> State => _state;

    /// <summary>W_f, <c>weight_f</c> (H, H + I).</summary>
    public Variable<T> WeightF { get; }

    /// <summary>b_f, <c>bias_f</c> (H).</summary>
    public Variable<T> BiasF { get; }

    /// <summary>W_h, <c>weight_h</c> (H, H + I).</summary>
    public Variable<T> WeightH { get; }

    /// <summary>b_h, <c>bias_h</c> (H).</summary>
    public Variable<T> BiasH { get; }

    /// <summary>The three equations, one tape op each; the backward pass is the tape's.</summary>
    /// <param name="tape">The tape.</param>
    /// <param name="x">x[t+1], <c>(B, I)</c>.</param>
    /// <param name="state">h[t], <c>(B, H)</c>.</param>
    /// <returns>h[t+1], as both the output and the new state.</returns>
    protected override CellStep<T> StepCore(Tape<T> tape, Variable<T> x, ReadOnlySpan<Variable<T>> state)
    {
        var h = state[0];
        var f = tape.Sigmoid(tape.Affine(tape.Concat(h, x), WeightF, BiasF));                 // (B, H)
        var candidate = tape.Tanh(tape.Affine(tape.Concat(tape.Mul(f, h), x), WeightH, BiasH)); // (B, H)
        var next = tape.Add(h, tape.Mul(f, tape.Sub(candidate, h)));                          // (1−f)⊙h + f⊙h̃
        return new CellStep<T>(next, [next]);
    }
}
