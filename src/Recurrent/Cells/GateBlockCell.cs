using System.Numerics;
using Recurrent.Autodiff;
using Recurrent.Tensors;

namespace Recurrent.Cells;

/// <summary>
/// A cell whose G gate pre-activations are <c>x·W_ihᵀ + b_ih + h·W_hhᵀ + b_hh</c>, with the G gate blocks stacked in
/// each weight the way PyTorch's <c>nn.RNN</c> (G = 1), <c>nn.GRU</c> (G = 3) and <c>nn.LSTM</c> (G = 4) store them: the
/// lecture's <c>W·[h, x] + b</c> split into its input part, its recurrent part and two biases (<c>docs/NOTATION.md</c>).
/// </summary>
/// <typeparam name="T">Element type.</typeparam>
public abstract class GateBlockCell<T> : RecurrentCell<T> where T : unmanaged, IFloatingPointIeee754<T>
{
    /// <summary>Creates the four weights, in PyTorch's order, from U(−1/√H, 1/√H).</summary>
    /// <param name="inputSize">I.</param>
    /// <param name="hiddenSize">H.</param>
    /// <param name="gates">G, the gate blocks.</param>
    /// <param name="rng">The initialisation's random source.</param>
    protected GateBlockCell(int inputSize, int hiddenSize, int gates, Rng rng) : base(inputSize, hiddenSize)
    {
        WeightIH = AddWeight("weight_ih", rng, gates * hiddenSize, inputSize);
        WeightHH = AddWeight("weight_hh", rng, gates * hiddenSize, hiddenSize);
        BiasIH = AddWeight("bias_ih", rng, gates * hiddenSize);
        BiasHH = AddWeight("bias_hh", rng, gates * hiddenSize);
    }

    /// <summary>The input parts of the gates' weights, <c>weight_ih</c> (G·H, I), gate blocks in the cell's order.</summary>
    public Variable<T> WeightIH { get; }

    /// <summary>The recurrent parts of the gates' weights, <c>weight_hh</c> (G·H, H).</summary>
    public Variable<T> WeightHH { get; }

    /// <summary>The first half of the gates' biases, <c>bias_ih</c> (G·H).</summary>
    public Variable<T> BiasIH { get; }

    /// <summary>The second half of the gates' biases, <c>bias_hh</c> (G·H).</summary>
    public Variable<T> BiasHH { get; }
}
