using Recurrent.Cells;
using Recurrent.Tensors;

namespace Recurrent.Layers;

/// <summary>
/// The int8 form of a <see cref="RecurrentLayer{T}"/> of LSTM cells, made by <c>Quantize()</c>: every layer and
/// direction's weights quantized once (<see cref="QuantizedLstm"/>), run over whole sequences (<see cref="Forward"/>,
/// through <see cref="QuantizedLayerNode"/>) and streaming steps (<see cref="Step"/>), with the float layer's stacking,
/// directions and variable lengths. Inference only.
/// </summary>
internal sealed class QuantizedRecurrentLayer
{
    private readonly RecurrentLayer<float> _layer;
    private readonly QuantizedLstm[] _cells;
    private readonly QuantizedLstm[] _streamCells;
    private float[][] _layerOutputs = [];
    private float[] _zeros = [];
    private float[] _streamBuffer = [];

    /// <summary>Quantizes the layer's cells; the layer keeps its float weights as they are.</summary>
    /// <param name="layer">A layer of library LSTM cells.</param>
    public QuantizedRecurrentLayer(RecurrentLayer<float> layer)
    {
        ArgumentNullException.ThrowIfNull(layer);
        if (layer.Kind != CellKind.Lstm) throw new NotSupportedException(QuantizedMessages.Unsupported(layer.Kind));
        _layer = layer;
        _cells = layer.Cells.Select(c => new QuantizedLstm((LstmCell<float>)c)).ToArray();
        _streamCells = _cells.Select(c => c.WithOwnBuffers()).ToArray(); // the same int8 weights, other buffers
    }

    /// <summary>The quantized cells, entry <c>k·D + d</c>.</summary>
    public IReadOnlyList<QuantizedLstm> Cells => _cells;

    /// <summary>
    /// Runs the layer over a batch of sequences, writing the output <c>(B, T, D·H)</c> (or time-major) and the final
    /// states <c>(L·D, B, H)</c>. The arguments have been checked by <see cref="RecurrentLayer{T}.Forward"/>.
    /// </summary>
    /// <param name="x">The input.</param>
    /// <param name="batch">B.</param>
    /// <param name="steps">T.</param>
    /// <param name="h0">Initial h, <c>(L·D, B, H)</c>, or empty for zeros.</param>
    /// <param name="c0">Initial c, or empty for zeros.</param>
    /// <param name="lengths">Lengths, or empty.</param>
    /// <param name="output">Receives the last layer's output.</param>
    /// <param name="hn">Receives the final h.</param>
    /// <param name="cn">Receives the final c.</param>
    public void Forward(ReadOnlySpan<float> x, int batch, int steps, ReadOnlySpan<float> h0, ReadOnlySpan<float> c0, ReadOnlySpan<int> lengths,
        Span<float> output, Span<float> hn, Span<float> cn)
    {
        var spec = _layer.Spec;
        int layers = spec.Layers, directions = _layer.Directions, h = _layer.HiddenSize, dh = directions * h, bh = batch * h;
        if (_zeros.Length < bh) _zeros = new float[bh];
        if (_layerOutputs.Length < layers - 1) _layerOutputs = new float[layers - 1][];
        ReadOnlySpan<float> input = x;
        for (int k = 0; k < layers; k++)
        {
            bool last = k == layers - 1;
            int length = batch * steps * dh;
            if (!last && (_layerOutputs[k] is null || _layerOutputs[k].Length < length)) _layerOutputs[k] = new float[length];
            Span<float> layerOut = last ? output : _layerOutputs[k].AsSpan(0, length);
            for (int d = 0; d < directions; d++)
            {
                int index = k * directions + d;
                var args = new FusedForwardArgs<float>
                {
                    X = input, BatchFirst = spec.BatchFirst, Batch = batch, Steps = steps, Lengths = lengths,
                    Reverse = d == 1, Training = false,
                    H0 = h0.IsEmpty ? _zeros.AsSpan(0, bh) : h0.Slice(index * bh, bh),
                    C0 = c0.IsEmpty ? _zeros.AsSpan(0, bh) : c0.Slice(index * bh, bh),
                    Output = layerOut, OutputStride = dh, OutputOffset = d * h,
                    HN = hn.Slice(index * bh, bh), CN = cn.Slice(index * bh, bh),
                };
                _cells[index].Forward(ref args);
            }
            input = layerOut;
        }
    }

    /// <summary>
    /// One streaming step of B sequences, as <see cref="RecurrentLayer{T}.Step(ReadOnlySpan{T}, RecurrentState{T}, Span{T})"/> (which has checked the arguments):
    /// the same int8 arithmetic as <see cref="Forward"/>, so stepping through a sequence gives its output exactly.
    /// </summary>
    /// <param name="x">The step's input <c>(B, I)</c>.</param>
    /// <param name="state">The caller's state, updated in place.</param>
    /// <param name="output">Receives the last layer's output <c>(B, H)</c>.</param>
    public void Step(ReadOnlySpan<float> x, RecurrentState<float> state, Span<float> output)
    {
        int batch = state.Batch, h = _layer.HiddenSize, bh = batch * h;
        if (_streamBuffer.Length < 2 * bh) _streamBuffer = new float[2 * bh];
        ReadOnlySpan<float> input = x;
        for (int k = 0; k < _layer.Spec.Layers; k++)
        {
            bool last = k == _layer.Spec.Layers - 1;
            Span<float> layerOut = last ? output : _streamBuffer.AsSpan((k & 1) * bh, bh);
            Span<float> hk = state.Tensors[0].Span.Slice(k * bh, bh);
            Span<float> ck = state.Tensors[1].Span.Slice(k * bh, bh);
            var args = new FusedForwardArgs<float>
            {
                X = input, BatchFirst = true, Batch = batch, Steps = 1, Training = false,
                H0 = hk, C0 = ck, Output = layerOut, OutputStride = h, HN = hk, CN = ck,
            };
            _streamCells[k].Forward(ref args);
            input = layerOut;
        }
    }
}
