namespace Recurrent.Cells;

/// <summary>The recurrent cells of the lecture (and PyTorch's GRU variant), and <see cref="Custom"/> for a cell of your own.</summary>
public enum CellKind
{
    /// <summary>The basic cell with state feedback: <c>h[t+1] = φ(W_hh·h[t] + W_hx·x[t+1] + b_h)</c> (PyTorch <c>nn.RNN</c>).</summary>
    Elman,

    /// <summary>Output feedback: the previous output ŷ[t] is fed back instead of h[t].</summary>
    Jordan,

    /// <summary>Both the previous state h[t] and the previous output ŷ[t] are fed back.</summary>
    ElmanJordan,

    /// <summary>Long short-term memory, gates i, f, g (C̃), o (PyTorch <c>nn.LSTM</c>).</summary>
    Lstm,

    /// <summary>The lecture's GRU: reset gate on h before the product, <c>h' = (1−z)⊙h + z⊙h̃</c> (ONNX <c>linear_before_reset = 0</c>).</summary>
    Gru,

    /// <summary>PyTorch's / cuDNN's GRU: reset gate after the product, <c>h' = (1−z)⊙n + z⊙h</c> (ONNX <c>linear_before_reset = 1</c>).</summary>
    CudnnGru,

    /// <summary>
    /// A cell written outside the library: any <see cref="IRecurrentCell{T}"/>, usually a <see cref="RecurrentCell{T}"/>
    /// subclass. The library cannot make it from a spec, so a layer of such cells is built with the
    /// <c>RecurrentLayer</c> constructor that takes a <c>createCell</c> function, and it runs the reference unroll.
    /// </summary>
    Custom,
}
