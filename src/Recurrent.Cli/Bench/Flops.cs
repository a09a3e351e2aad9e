using Recurrent.Cells;

namespace Recurrent.Cli.Bench;

/// <summary>
/// The floating-point operations the <c>bench</c> commands divide by the time to report GFLOP/s: the matrix products
/// only, 2 flops per multiply-add.
/// </summary>
/// <remarks>
/// A recurrent layer's forward multiplies, per step and layer, <c>[x, h]</c> (B × (I_l + H)) by the gate weights
/// ((I_l + H) × gH), with g = 4 for LSTM, 3 for GRU (both forms) and 1 for Elman: <c>2·B·T·gH·(I_l + H)</c>, I_l = I for
/// the first layer and H above it. The gate element-wise work (σ, tanh, ⊙, bias) is O(B·T·gH), a factor (I_l + H)
/// smaller, and counted as negligible. Backward has two products of the forward's size per layer (the gradient with
/// respect to the layer's input and state, and to the weights), so training is 3× the forward, less the first layer's
/// input gradient in <c>bench rnn</c>, whose x needs none (2·B·T·gH·I; the char-LM's embedding does need it).
/// </remarks>
internal static class Flops
{
    /// <summary>Gate blocks per step: 4 (LSTM i, f, g, o), 3 (GRU r, z, n), 1 (Elman); the cells <c>bench rnn</c> times.</summary>
    public static int Gates(CellKind kind) => kind switch
    {
        CellKind.Lstm => 4,
        CellKind.Gru or CellKind.CudnnGru => 3,
        CellKind.Elman => 1,
        _ => throw new ArgumentOutOfRangeException(nameof(kind), kind, "Flops are counted for Lstm, Gru, CudnnGru and Elman only."),
    };

    /// <summary>Flops of a stacked recurrent layer's forward over B × T: Σ_l 2·B·T·gH·(I_l + H).</summary>
    public static double RecurrentForward(CellKind kind, int batch, int steps, int input, int hidden, int layers)
    {
        double perRow = 0;
        for (int l = 0; l < layers; l++) perRow += 2.0 * Gates(kind) * hidden * ((l == 0 ? input : hidden) + hidden);
        return perRow * batch * steps;
    }

    /// <summary>
    /// The forward's flops, or for a training call forward + backward: 3× the forward less the first layer's input
    /// gradient, which <c>bench rnn</c> does not compute (its x needs no gradient).
    /// </summary>
    public static double Recurrent(CellKind kind, int batch, int steps, int input, int hidden, int layers, bool train)
    {
        double forward = RecurrentForward(kind, batch, steps, input, hidden, layers);
        return train ? 3 * forward - 2.0 * batch * steps * Gates(kind) * hidden * input : forward;
    }

    /// <summary>
    /// Flops of one char-LM training step on B × T characters: the LSTM stack on the embeddings (size E; the lookup itself
    /// is free) plus the decoder H → V (2·B·T·H·V), × 3 for forward + backward; Adam and clipping, O(parameters), negligible.
    /// </summary>
    public static double CharLmTrainStep(int batch, int steps, int embed, int hidden, int layers, int vocabulary) =>
        3 * (RecurrentForward(CellKind.Lstm, batch, steps, embed, hidden, layers) + 2.0 * batch * steps * hidden * vocabulary);

    /// <summary>Flops of C = op(A)·op(B), M × N × K: 2·M·N·K.</summary>
    public static double Gemm(int m, int n, int k) => 2.0 * m * n * k;
}
