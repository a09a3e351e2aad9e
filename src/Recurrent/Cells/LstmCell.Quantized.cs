using Recurrent.Kernels;
using Recurrent.Tensors;

namespace Recurrent.Cells;

/// <summary>
/// An LSTM cell's weights quantized to int8 for inference, and the sequence kernel that runs them: dynamic
/// quantization as PyTorch's <c>quantize_dynamic</c> and ONNX Runtime's <c>DynamicQuantizeLSTM</c> do it.
/// </summary>
/// <remarks>
/// <para>
/// Per step s (processing order): <c>G[s] = X[s]·W_ihᵀ</c> for all T steps in one int8 product beforehand, then
/// <c>R = h[s]·W_hhᵀ</c> in int8, and the gate pass in float: <c>i, f, o = σ(G + R + b)</c>, <c>g = tanh(G + R + b)</c>,
/// <c>c' = f⊙c + i⊙g</c>, <c>h' = o⊙tanh(c')</c>, with <c>b = b_ih + b_hh</c> in float. W_ih and W_hh are int8 per output
/// channel (<see cref="Int8Matrix"/>); x and h are quantized to uint8 per row (one sequence's step) right before their
/// product (<see cref="Quantization"/>), so a row's result depends on nothing else in the batch: the streaming step of
/// one sequence gives exactly what the whole batch gives it, and the split over the cores changes nothing.
/// </para>
/// <para>
/// The recurrence is split over the cores by batch rows as the float kernels split it: each core quantizes, multiplies
/// and updates its own rows through all T steps, sharing the packed weights, with no hand-off between steps.
/// Nothing is saved for backward: a quantized cell only infers.
/// </para>
/// </remarks>
internal sealed class QuantizedLstm : IParallelTask
{
    private readonly float[] _bias;     // (4H): b_ih + b_hh
    private byte[] _xq = [];            // (T·B, I padded): quantized inputs in processing order
    private float[] _xScales = [], _hScales = [];
    private int[] _xZeros = [], _hZeros = [];
    private float[] _gates = [];        // (T·B, 4H padded): input projections
    private float[] _recurrent = [];    // (B, 4H padded): the step's recurrent products
    private byte[] _hq = [];            // (B, H padded): the step's quantized h
    private float[] _hs = [];           // (T + 1, B, H): h in processing order
    private float[] _cs = [];           // (2, B, H): c before and after the step
    private int[] _lengths = [];
    private bool _hasLengths, _reverse;
    private int _batch, _steps, _ranges;
    private Int8KernelKind _kind;

    /// <summary>Quantizes the cell's weights (the cell is left as it is).</summary>
    /// <param name="cell">The float cell.</param>
    public QuantizedLstm(LstmCell<float> cell)
    {
        ArgumentNullException.ThrowIfNull(cell);
        Input = cell.InputSize;
        Hidden = cell.HiddenSize;
        WeightIH = new Int8Matrix(cell.WeightIH.Value.Span, 4 * Hidden, Input);
        WeightHH = new Int8Matrix(cell.WeightHH.Value.Span, 4 * Hidden, Hidden);
        _bias = new float[4 * Hidden];
        TensorPrimitives.Add(cell.BiasIH.Value.Span, cell.BiasHH.Value.Span, _bias);
    }

    private QuantizedLstm(QuantizedLstm weights)
    {
        (Input, Hidden, WeightIH, WeightHH, _bias) = (weights.Input, weights.Hidden, weights.WeightIH, weights.WeightHH, weights._bias);
    }

    /// <summary>
    /// A second kernel on the same int8 weights with buffers of its own: the layer's streaming steps keep theirs apart
    /// from its whole-sequence passes without quantizing and storing the weights twice.
    /// </summary>
    /// <returns>The kernel.</returns>
    public QuantizedLstm WithOwnBuffers() => new(this);

    /// <summary>I.</summary>
    public int Input { get; }

    /// <summary>H.</summary>
    public int Hidden { get; }

    /// <summary>W_ih in int8, <c>(4H, I)</c>, gates i, f, g, o.</summary>
    public Int8Matrix WeightIH { get; }

    /// <summary>W_hh in int8, <c>(4H, H)</c>.</summary>
    public Int8Matrix WeightHH { get; }

    /// <summary>b_ih + b_hh, <c>(4H)</c>.</summary>
    public ReadOnlySpan<float> Bias => _bias;

    /// <summary>The inference pass over a sequence; the same arguments as the float kernels' (Training must be false).</summary>
    /// <param name="args">Inputs and outputs.</param>
    public void Forward(scoped ref FusedForwardArgs<float> args)
    {
        if (args.Training) throw new InvalidOperationException(QuantizedMessages.Training);
        int batch = _batch = args.Batch, steps = _steps = args.Steps, h = Hidden, bh = batch * h, tb = steps * batch;
        _reverse = args.Reverse;
        _hasLengths = !args.Lengths.IsEmpty;
        if (_hasLengths)
        {
            if (_lengths.Length < batch) _lengths = new int[batch];
            args.Lengths.CopyTo(_lengths);
        }
        int kx = WeightIH.PaddedK, n = WeightIH.PaddedN;
        Ensure(ref _xq, tb * kx);
        Ensure(ref _xScales, tb);
        Ensure(ref _xZeros, tb);
        Ensure(ref _gates, tb * n);
        Ensure(ref _recurrent, batch * n);
        Ensure(ref _hq, batch * WeightHH.PaddedK);
        Ensure(ref _hScales, batch);
        Ensure(ref _hZeros, batch);
        Ensure(ref _hs, (steps + 1) * bh);
        Ensure(ref _cs, 2 * bh);

        // Quantize each step's input row straight from the caller's layout into processing order.
        for (int s = 0; s < steps; s++)
        {
            for (int b = 0; b < batch; b++)
            {
                int row = s * batch + b;
                var x = args.X.Slice(SourceRow(s, b, args.BatchFirst) * Input, Input);
                Quantization.QuantizeRows(x, Input, _xq.AsSpan(row * kx, kx), kx, _xScales.AsSpan(row, 1), _xZeros.AsSpan(row, 1), 1, Input);
            }
        }
        Int8Gemm.MultiplyDequantized(_xq, kx, _xScales, _xZeros, WeightIH, _gates, n, tb);

        args.H0.CopyTo(_hs);
        args.C0.CopyTo(_cs);
        _kind = Int8Gemm.Kernel;
        int threads = Threads.Current;
        // One range per core: each range streams all of W_hh through its core once per step, so fewer, taller ranges
        // read less; multiples of the kernel's 6-row tile keep every range on the 6-row blocks.
        _ranges = threads > 1 && batch >= 2 * RowTile ? Math.Min(threads, batch / RowTile) : 1;
        if (_ranges <= 1) Recurrence(0, batch);
        else Parallelism.For(_ranges, this);

        for (int s = 0; s < steps; s++)
        {
            for (int b = 0; b < batch; b++)
            {
                var dst = args.Output.Slice(SourceRow(s, b, args.BatchFirst) * args.OutputStride + args.OutputOffset, h);
                if (Valid(s, b)) _hs.AsSpan(((s + 1) * batch + b) * h, h).CopyTo(dst);
                else dst.Clear();
            }
        }
        _hs.AsSpan(steps * bh, bh).CopyTo(args.HN);
        _cs.AsSpan((steps & 1) * bh, bh).CopyTo(args.CN);
    }

    private const int RowTile = 6;

    void IParallelTask.Run(int index)
    {
        int r0 = RangeStart(index), r1 = RangeStart(index + 1);
        if (r1 <= r0) return;
        var forced = Int8Gemm.ForcedKernel;
        Int8Gemm.ForcedKernel = _kind;
        try
        {
            Recurrence(r0, r1);
        }
        finally
        {
            Int8Gemm.ForcedKernel = forced;
        }
    }

    private int RangeStart(int index) => index >= _ranges ? _batch : _batch * index / _ranges / RowTile * RowTile;

    /// <summary>All T steps for rows <c>[r0, r1)</c>: quantize h, the int8 recurrent product, the float gate pass.</summary>
    private void Recurrence(int r0, int r1)
    {
        int h = Hidden, batch = _batch, bh = batch * h, rows = r1 - r0, kh = WeightHH.PaddedK, n = WeightHH.PaddedN;
        var hq = _hq.AsSpan(r0 * kh, rows * kh);
        var scales = _hScales.AsSpan(r0, rows);
        var zeros = _hZeros.AsSpan(r0, rows);
        var recurrent = _recurrent.AsSpan(r0 * n, rows * n);
        for (int s = 0; s < _steps; s++)
        {
            Quantization.QuantizeRows(_hs.AsSpan((s * batch + r0) * h, rows * h), h, hq, kh, scales, zeros, rows, h);
            Int8Gemm.MultiplyDequantizedRows(hq, kh, scales, zeros, WeightHH, recurrent, n, rows);
            int prev = (s & 1) * bh, next = ((s + 1) & 1) * bh;
            for (int b = r0; b < r1; b++)
            {
                var cPrev = _cs.AsSpan(prev + b * h, h);
                var c = _cs.AsSpan(next + b * h, h);
                var hNext = _hs.AsSpan(((s + 1) * batch + b) * h, h);
                if (!Valid(s, b))
                {
                    _hs.AsSpan((s * batch + b) * h, h).CopyTo(hNext);
                    cPrev.CopyTo(c);
                    continue;
                }
                GatePass(_gates.AsSpan((s * batch + b) * WeightIH.PaddedN, 4 * h), _recurrent.AsSpan(b * n, 4 * h), _bias, cPrev, c, hNext, h);
            }
        }
    }

    /// <summary>The LSTM's gate maths in float for one row, from the input and recurrent pre-activations and the bias.</summary>
    /// <param name="g">X·W_ihᵀ of the row, gates i, f, g, o.</param>
    /// <param name="r">h·W_hhᵀ of the row.</param>
    /// <param name="bias">b_ih + b_hh.</param>
    /// <param name="cPrev">c before the step.</param>
    /// <param name="c">Receives c after the step.</param>
    /// <param name="hNext">Receives h after the step.</param>
    /// <param name="h">H.</param>
    internal static void GatePass(ReadOnlySpan<float> g, ReadOnlySpan<float> r, ReadOnlySpan<float> bias, ReadOnlySpan<float> cPrev, Span<float> c, Span<float> hNext, int h)
    {
        var lanes = new GateLanes
        {
            I = g[..h], F = g.Slice(h, h), G = g.Slice(2 * h, h), O = g.Slice(3 * h, h),
            RI = r[..h], RF = r.Slice(h, h), RG = r.Slice(2 * h, h), RO = r.Slice(3 * h, h),
            BI = bias[..h], BF = bias.Slice(h, h), BG = bias.Slice(2 * h, h), BO = bias.Slice(3 * h, h),
            CPrev = cPrev, C = c, H = hNext,
        };
        ElementWise.Run<float, GateLanes>(ref lanes, h);
    }

    private int SourceRow(int s, int b, bool batchFirst)
    {
        int t = _reverse ? _steps - 1 - s : s;
        return batchFirst ? b * _steps + t : t * _batch + b;
    }

    private bool Valid(int s, int b) => !_hasLengths || (_reverse ? _steps - 1 - s : s) < _lengths[b];

    private static void Ensure<TElement>(ref TElement[] buffer, int length)
    {
        if (buffer.Length < length) buffer = GC.AllocateUninitializedArray<TElement>(length);
    }

    /// <summary>The inference half of the float kernel's gate pass: nothing is kept for backward.</summary>
    private ref struct GateLanes : ILaneKernel<float>
    {
        public Span<float> C, H;
        public ReadOnlySpan<float> I, F, G, O, RI, RF, RG, RO, BI, BF, BG, BO, CPrev;

        void ILaneKernel<float>.Vector<TV>(int j)
        {
            var i = TV.Sigmoid(TV.Load(I, j) + TV.Load(RI, j) + TV.Load(BI, j));
            var f = TV.Sigmoid(TV.Load(F, j) + TV.Load(RF, j) + TV.Load(BF, j));
            var g = TV.Tanh(TV.Load(G, j) + TV.Load(RG, j) + TV.Load(BG, j));
            var o = TV.Sigmoid(TV.Load(O, j) + TV.Load(RO, j) + TV.Load(BO, j));
            var c = f * TV.Load(CPrev, j) + i * g;
            TV.Store(c, C, j);
            TV.Store(o * TV.Tanh(c), H, j);
        }

        public void Scalar(int j)
        {
            float i = VectorMath.Sigmoid(I[j] + RI[j] + BI[j]), f = VectorMath.Sigmoid(F[j] + RF[j] + BF[j]);
            float g = VectorMath.Tanh(G[j] + RG[j] + BG[j]), o = VectorMath.Sigmoid(O[j] + RO[j] + BO[j]);
            float c = f * CPrev[j] + i * g;
            C[j] = c;
            H[j] = o * VectorMath.Tanh(c);
        }
    }
}
