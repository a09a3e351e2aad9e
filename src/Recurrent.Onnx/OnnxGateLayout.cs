using Recurrent.Cells;

namespace Recurrent.Onnx;

/// <summary>
/// How the gate blocks of a recurrent cell's weights map between Recurrent (PyTorch's names and block orders) and the
/// ONNX <c>RNN</c>, <c>LSTM</c> and <c>GRU</c> operators, in both directions.
/// </summary>
/// <remarks>
/// <para>
/// Recurrent stores <c>weight_ih</c> (G·H, I), <c>weight_hh</c> (G·H, H), <c>bias_ih</c>, <c>bias_hh</c> (G·H), gate
/// blocks of H rows in PyTorch's order. ONNX stores <c>W</c> (D, G·H, I), <c>R</c> (D, G·H, H) and <c>B</c> (D, 2·G·H)
/// = [Wb, Rb], gate blocks in its own order:
/// <code>
/// cell        Recurrent / PyTorch     ONNX                     ONNX block k holds Recurrent block
/// LSTM        i, f, g, o              i, o, f, c               [0, 3, 1, 2]
/// CudnnGru    r, z, n                 z, r, h   (lbr = 1)      [1, 0, 2]
/// Gru         r, z, n                 z, r, h   (lbr = 0)      [1, 0, 2], the z block negated
/// Elman       one block               one block                [0]
/// </code>
/// The lecture's GRU weighs the candidate with z, <c>h' = (1 − z)⊙h + z⊙h̃</c>, while ONNX's z weighs the old state,
/// <c>h' = (1 − z)⊙h̃ + z⊙h</c>; so z_onnx = 1 − z_lecture = σ(−a), and negating the z block's rows of W, R, Wb and Rb
/// turns one into the other exactly. The mapping is its own inverse up to the block permutation, so
/// <see cref="FromOnnx"/> undoes <see cref="ToOnnx"/> bit for bit.
/// </para>
/// </remarks>
internal static class OnnxGateLayout
{
    /// <summary>G, the gate blocks of a cell with an ONNX operator.</summary>
    /// <param name="cell">The cell.</param>
    /// <returns>4 for LSTM, 3 for the GRUs, 1 for Elman.</returns>
    public static int Gates(CellKind cell) => cell switch
    {
        CellKind.Lstm => 4,
        CellKind.Gru or CellKind.CudnnGru => 3,
        CellKind.Elman => 1,
        _ => throw new ArgumentException($"The {cell} cell has no ONNX recurrent operator.", nameof(cell)),
    };

    /// <summary>For each ONNX block k, the Recurrent block it holds.</summary>
    private static ReadOnlySpan<int> OnnxBlocks(CellKind cell) => cell switch
    {
        CellKind.Lstm => [0, 3, 1, 2],
        CellKind.Gru or CellKind.CudnnGru => [1, 0, 2],
        CellKind.Elman => [0],
        _ => throw new ArgumentException($"The {cell} cell has no ONNX recurrent operator.", nameof(cell)),
    };

    /// <summary>The Recurrent block whose rows change sign on the way to ONNX, or −1.</summary>
    private static int NegatedBlock(CellKind cell) => cell == CellKind.Gru ? 1 : -1;

    /// <summary>
    /// Writes a Recurrent weight or bias (G·H rows of <paramref name="columns"/> values, PyTorch order) into
    /// <paramref name="destination"/> in ONNX block order.
    /// </summary>
    /// <param name="cell">The cell.</param>
    /// <param name="source">The Recurrent tensor's values, row-major (G·H, columns).</param>
    /// <param name="hidden">H.</param>
    /// <param name="columns">Values per row: I, H, or 1 for a bias.</param>
    /// <param name="destination">G·H·columns values in ONNX order.</param>
    public static void ToOnnx(CellKind cell, ReadOnlySpan<float> source, int hidden, int columns, Span<float> destination)
    {
        var blocks = OnnxBlocks(cell);
        Check(source, destination, blocks.Length * hidden * columns);
        int block = hidden * columns, negated = NegatedBlock(cell);
        for (int k = 0; k < blocks.Length; k++)
        {
            var from = source.Slice(blocks[k] * block, block);
            var to = destination.Slice(k * block, block);
            if (blocks[k] == negated) for (int i = 0; i < block; i++) to[i] = -from[i];
            else from.CopyTo(to);
        }
    }

    /// <summary>The inverse of <see cref="ToOnnx"/>: ONNX block order into Recurrent's.</summary>
    /// <param name="cell">The cell the weights are for (<see cref="CellKind.Gru"/> for ONNX <c>linear_before_reset = 0</c>).</param>
    /// <param name="source">The ONNX values, row-major (G·H, columns), one direction.</param>
    /// <param name="hidden">H.</param>
    /// <param name="columns">Values per row.</param>
    /// <param name="destination">G·H·columns values in Recurrent's order.</param>
    public static void FromOnnx(CellKind cell, ReadOnlySpan<float> source, int hidden, int columns, Span<float> destination)
    {
        var blocks = OnnxBlocks(cell);
        Check(source, destination, blocks.Length * hidden * columns);
        int block = hidden * columns, negated = NegatedBlock(cell);
        for (int k = 0; k < blocks.Length; k++)
        {
            var from = source.Slice(k * block, block);
            var to = destination.Slice(blocks[k] * block, block);
            if (blocks[k] == negated) for (int i = 0; i < block; i++) to[i] = -from[i];
            else from.CopyTo(to);
        }
    }

    private static void Check(ReadOnlySpan<float> source, Span<float> destination, int expected)
    {
        if (source.Length != expected) throw new ArgumentException($"source has {source.Length} values; expected G·H·columns = {expected}.", nameof(source));
        if (destination.Length != expected) throw new ArgumentException($"destination has {destination.Length} values; expected {expected}.", nameof(destination));
    }
}
