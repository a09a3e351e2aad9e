using System.Numerics;
using Recurrent.Kernels;
using Recurrent.Tensors;

namespace Recurrent.Cells;

/// <summary>
/// What the fused sequence kernels of every cell share: the buffers of one layer-direction's pass, kept from one call
/// to the next so that a warm training step allocates nothing; the gathering of the input into time-major processing
/// order; masking for variable lengths; and the split of the recurrence over the cores by batch rows.
/// </summary>
/// <remarks>
/// <para>
/// A fused forward computes the input projection of all T steps with one GEMM, then one recurrent GEMM and one
/// vectorised gate pass per step; it saves only the activations its backward needs. The backward runs the steps in
/// reverse, one GEMM and one gate pass per step, then accumulates the weight gradients with one large GEMM each
/// over all steps. The steps themselves are split over the cores by batch rows (<see cref="RunRecurrence"/>): each
/// core advances its own sequences through all T steps, sharing the packed weights, with no hand-off between steps.
/// Both passes are checked against the cells' reference <see cref="IRecurrentCell{T}.Step"/> by the tests.
/// </para>
/// <para>
/// Internally every sequence is time-major and in <em>processing order</em> s (s = t forward, s = T−1−t in reverse),
/// so that the state before step s is row block s of <see cref="Hs"/>: <c>Hs[0] = h0</c>, <c>Hs[s+1]</c> = the state
/// after step s, and the weight gradient <c>dW_hh = Σ_s dG[s]ᵀ·Hs[s]</c> is one product.
/// A padded step (t ≥ lengths[b]) leaves row b's state unchanged and outputs zero, so gradients pass it through.
/// </para>
/// </remarks>
/// <typeparam name="T">Element type.</typeparam>
internal abstract class FusedSequence<T> : IParallelTask where T : unmanaged, IFloatingPointIeee754<T>
{
    private int[] _lengths = [];
    private bool _hasLengths;
    private bool _batchFirst;
    private bool _backwardPending;
    private int _rangeMode, _ranges;
    private PackedMatrix<T>? _recurrentPacked;
    private Tensors.Tensor<T>? _recurrentWeight;
    private int _gateCount;

    /// <summary>Sequences B, steps T, input features I, hidden units H of the current pass.</summary>
    protected int Batch, Steps, Input, Hidden;

    /// <summary>Whether the current pass runs backwards in time, and saves for a backward pass.</summary>
    protected bool Reverse, Training;

    /// <summary>
    /// Input in processing order, <c>(T, B, I)</c>, rows <see cref="InputStride"/> apart (a cell may keep other values
    /// beside each row's I features, as the LSTM keeps the state h[s] to multiply <c>[x, h]</c> in one product).
    /// </summary>
    protected T[] X = [];

    /// <summary>Distance between two rows of <see cref="X"/>: I unless a cell keeps more beside each row.</summary>
    protected virtual int InputStride => Input;

    /// <summary>Hidden states in processing order, <c>(T + 1, B, H)</c>.</summary>
    protected T[] Hs = [];

    /// <summary>Output gradient in processing order, <c>(T, B, H)</c>, zero at padded steps.</summary>
    protected T[] DY = [];

    /// <summary>Running gradient with respect to the current state h, and the one being built for the previous state, <c>(B, H)</c>.</summary>
    protected T[] DH = [], DHNext = [];

    /// <summary>Input gradient in processing order, <c>(T, B, I)</c>.</summary>
    protected T[] DXBuffer = [];

    /// <summary>Whether the pass holds a cell state C beside h (LSTM).</summary>
    public abstract bool HasCellState { get; }

    /// <summary>
    /// The names of the gate activations this kernel keeps after a forward pass, in their order within a row of
    /// <see cref="CopyGates"/> (<c>i, f, g, o</c> for the LSTM, <c>r, z, n</c> for the GRUs); empty for a cell without gates.
    /// </summary>
    public virtual IReadOnlyList<string> GateNames => [];

    /// <summary>
    /// Copies the gate activations of step <paramref name="step"/> (in processing order) of the last forward pass,
    /// <c>(B, G·H)</c> with G = <see cref="GateNames"/>.Count, to <paramref name="destination"/>. An inference pass keeps them
    /// for its one step only when it has one step (the streaming step); a training pass keeps them for every step.
    /// </summary>
    /// <param name="step">The step s.</param>
    /// <param name="destination">Receives B × G·H values.</param>
    public virtual void CopyGates(int step, Span<T> destination)
    {
    }

    /// <summary>The fused forward pass; see <see cref="FusedForwardArgs{T}"/>.</summary>
    /// <param name="args">Inputs and output buffers.</param>
    public void Forward(scoped ref FusedForwardArgs<T> args)
    {
        Configure(ref args);
        ForwardCore(ref args);
        ScatterOutput(args.Output, args.OutputStride, args.OutputOffset);
        Hs.AsSpan(Steps * Batch * Hidden, Batch * Hidden).CopyTo(args.HN);
        _backwardPending = Training;
    }

    /// <summary>The fused backward pass of the last training forward; see <see cref="FusedBackwardArgs{T}"/>.</summary>
    /// <param name="args">Incoming gradients and accumulators.</param>
    public void Backward(scoped ref FusedBackwardArgs<T> args)
    {
        if (!_backwardPending)
        {
            throw new InvalidOperationException("A fused recurrent pass can be back-propagated once, after a training forward; record the forward again.");
        }
        _backwardPending = false;
        GatherOutputGrad(args.DOutput, args.OutputStride, args.OutputOffset);
        int bh = Batch * Hidden;
        if (args.DHN.IsEmpty) Array.Clear(DH, 0, bh);
        else args.DHN.CopyTo(DH);
        if (!args.DX.IsEmpty) Ensure(ref DXBuffer, Steps * Batch * Input); // only when x needs its gradient
        BackwardCore(ref args);
        if (!args.DH0.IsEmpty) TensorPrimitives.Add(args.DH0, DH.AsSpan(0, bh), args.DH0);
        if (!args.DX.IsEmpty) ScatterInputGrad(args.DX);
    }

    /// <summary>Runs the cell's steps forward; <see cref="X"/> and <c>Hs[0]</c> are filled, the rest is the cell's.</summary>
    /// <param name="args">The call's arguments (for <c>C0</c>/<c>CN</c>).</param>
    protected abstract void ForwardCore(scoped ref FusedForwardArgs<T> args);

    /// <summary>Runs the cell's steps backward from <see cref="DY"/> and <see cref="DH"/>, leaving d h0 in <see cref="DH"/>
    /// and accumulating the weight gradients and <see cref="DXBuffer"/>.</summary>
    /// <param name="args">The call's arguments (for <c>DCN</c>/<c>DC0</c>).</param>
    protected abstract void BackwardCore(scoped ref FusedBackwardArgs<T> args);

    /// <summary>The mode of <see cref="Recurrence"/> that runs the steps forward.</summary>
    protected const int ForwardMode = 0;

    /// <summary>The mode of <see cref="Recurrence"/> that runs the steps backward.</summary>
    protected const int BackwardMode = 1;

    /// <summary>
    /// All T steps, forward or backward, for rows <c>[r0, r1)</c> of the batch. Rows are independent sequences, so
    /// <see cref="RunRecurrence"/> gives each core its own rows for the whole sequence: no core waits for another
    /// between steps. Backward passes swap their own references to <see cref="DH"/> and <see cref="DHNext"/>.
    /// </summary>
    /// <param name="mode"><see cref="ForwardMode"/> or <see cref="BackwardMode"/>.</param>
    /// <param name="r0">First row.</param>
    /// <param name="r1">End of the rows.</param>
    protected abstract void Recurrence(int mode, int r0, int r1);

    /// <summary>
    /// Runs <see cref="Recurrence"/> over the whole batch: in one range of whole micro-kernel row tiles per core, or,
    /// for a batch too small to split, in one range whose products are split over the cores instead.
    /// </summary>
    /// <remarks>
    /// One range per core rather than two: each step's product then streams the packed weights once per core for
    /// twice the rows. LSTM S inference on 2 threads went from 1.68 to 1.51 ms (AMD EPYC, AVX-512, side by side;
    /// LSTM S training and LSTM M unchanged). Two ranges per core had let a core slowed by another process leave
    /// its second range to the other; on a shared machine that balance is now lost.
    /// </remarks>
    /// <param name="mode"><see cref="ForwardMode"/> or <see cref="BackwardMode"/>.</param>
    protected void RunRecurrence(int mode)
    {
        int threads = Threads.Current;
        int ranges = threads > 1 && Batch >= 2 * RowTile ? Math.Min(threads, Batch / RowTile) : 1;
        if (ranges <= 1)
        {
            Recurrence(mode, 0, Batch);
        }
        else
        {
            (_rangeMode, _ranges) = (mode, ranges);
            Parallelism.For(ranges, this);
        }
        if (mode == BackwardMode && Steps % 2 == 1) (DH, DHNext) = (DHNext, DH); // every range swapped T times
    }

    /// <summary>Rows per range are multiples of this, the tallest micro-kernel tile, so no range pads its products.</summary>
    private const int RowTile = 8;

    void IParallelTask.Run(int index)
    {
        int r0 = RangeStart(index), r1 = RangeStart(index + 1);
        if (r1 > r0) Recurrence(_rangeMode, r0, r1);
    }

    private int RangeStart(int index) => index >= _ranges ? Batch : Batch * index / _ranges / RowTile * RowTile;

    /// <summary>Whether row b takes part in step s (false on its padded steps).</summary>
    /// <param name="s">The step in processing order.</param>
    /// <param name="b">The row.</param>
    /// <returns>True when the step is within the sequence.</returns>
    protected bool Valid(int s, int b) => !_hasLengths || (Reverse ? Steps - 1 - s : s) < _lengths[b];

    /// <summary>Grows <paramref name="buffer"/> to at least <paramref name="length"/> elements (never shrinks it).</summary>
    /// <param name="buffer">The buffer.</param>
    /// <param name="length">Elements needed.</param>
    protected static void Ensure(ref T[] buffer, int length)
    {
        if (buffer.Length < length) buffer = GC.AllocateUninitializedArray<T>(length);
    }

    /// <summary><c>C (+)= op(A)·op(B)</c> on blocks of larger matrices (explicit leading dimensions).</summary>
    /// <param name="a">A as stored.</param>
    /// <param name="lda">Leading dimension of A.</param>
    /// <param name="b">B as stored.</param>
    /// <param name="ldb">Leading dimension of B.</param>
    /// <param name="c">C.</param>
    /// <param name="ldc">Leading dimension of C.</param>
    /// <param name="m">Rows of C.</param>
    /// <param name="n">Columns of C.</param>
    /// <param name="k">Inner dimension.</param>
    /// <param name="transposeA">op(A) = Aᵀ.</param>
    /// <param name="transposeB">op(B) = Bᵀ.</param>
    /// <param name="accumulate">Add into C.</param>
    protected static void Multiply(ReadOnlySpan<T> a, int lda, ReadOnlySpan<T> b, int ldb, Span<T> c, int ldc,
        int m, int n, int k, bool transposeA, bool transposeB, bool accumulate) =>
        Gemm.Multiply(a, lda, b, ldb, c, ldc, m, n, k, transposeA, transposeB, T.One, accumulate ? T.One : T.Zero);

    /// <summary>
    /// Whether this pass packs its recurrent weights once for all its steps (<see cref="PackedMatrix{T}"/>): worth it
    /// over a sequence, not for a streaming step or two, where packing costs more than the products it speeds up.
    /// </summary>
    protected bool PacksWeights => Steps >= 4;

    /// <summary>Packs <paramref name="b"/> as the right operand of the per-step products, reusing the storage of the previous pass.</summary>
    /// <param name="packed">The kernel's packed copy (created on first use).</param>
    /// <param name="b">The weight as stored.</param>
    /// <param name="ldb">Its leading dimension.</param>
    /// <param name="k">Rows of op(B).</param>
    /// <param name="n">Columns of op(B).</param>
    /// <param name="transpose">Whether op(B) = Bᵀ.</param>
    /// <returns>The packed weight, or null when <see cref="PacksWeights"/> is false.</returns>
    protected PackedMatrix<T>? Pack(ref PackedMatrix<T>? packed, ReadOnlySpan<T> b, int ldb, int k, int n, bool transpose)
    {
        if (!PacksWeights) return null;
        if (packed is null) packed = PackedMatrix<T>.Pack(b, ldb, k, n, transpose);
        else packed.Repack(b, ldb, k, n, transpose);
        return packed;
    }

    /// <summary>
    /// One per-step product <c>C (+)= A·op(B)</c>, from the packed weight when there is one (same values either way).
    /// </summary>
    /// <param name="a">A (m×k) as stored.</param>
    /// <param name="lda">Its leading dimension.</param>
    /// <param name="packed">op(B) packed, or null.</param>
    /// <param name="b">B as stored (used when <paramref name="packed"/> is null).</param>
    /// <param name="ldb">Its leading dimension.</param>
    /// <param name="transposeB">Whether op(B) = Bᵀ.</param>
    /// <param name="c">C (m×n).</param>
    /// <param name="ldc">Its leading dimension.</param>
    /// <param name="m">Rows.</param>
    /// <param name="n">Columns.</param>
    /// <param name="k">Inner dimension.</param>
    /// <param name="accumulate">Add into C.</param>
    protected static void StepProduct(ReadOnlySpan<T> a, int lda, PackedMatrix<T>? packed, ReadOnlySpan<T> b, int ldb, bool transposeB,
        Span<T> c, int ldc, int m, int n, int k, bool accumulate)
    {
        if (packed is not null) Gemm.Multiply(a, lda, packed, c, ldc, m, false, T.One, accumulate ? T.One : T.Zero);
        else Gemm.Multiply(a, lda, b, ldb, c, ldc, m, n, k, false, transposeB, T.One, accumulate ? T.One : T.Zero);
    }

    /// <summary>The step's recurrent product <c>h[s]·W_hhᵀ</c>, <c>(B, G·H)</c>: for each row, the G gate blocks of H.</summary>
    protected T[] Recurrent = [];

    /// <summary>
    /// Prepares the per-step recurrent products with <paramref name="weight"/> (<c>W_hh</c>, G·H rows of H), packing it
    /// once for all the steps of a sequence.
    /// </summary>
    /// <param name="weight">W_hh, <c>(G·H, H)</c>.</param>
    /// <param name="gates">G, the gate blocks of W_hh.</param>
    protected void PrepareRecurrent(Tensors.Tensor<T> weight, int gates)
    {
        _gateCount = gates;
        _recurrentWeight = weight;
        Ensure(ref Recurrent, Batch * gates * Hidden);
        Pack(ref _recurrentPacked, weight.Span, Hidden, Hidden, gates * Hidden, transpose: true);
    }

    /// <summary>
    /// Packs <paramref name="weight"/> (W_hh as stored, op(B) = W_hh) for the backward steps' <c>dG·W_hh</c> into the
    /// storage of the forward's packed W_hhᵀ. Every forward repacks that storage anyway, and the backward needs only its
    /// own layout, so training holds one packed copy of W_hh instead of two (LSTM H 1024: 16 MB less).
    /// </summary>
    /// <param name="weight">W_hh, <c>(G·H, H)</c> as stored.</param>
    /// <param name="ldb">Its leading dimension.</param>
    /// <param name="k">Rows of op(B): G·H.</param>
    /// <param name="n">Columns of op(B): H.</param>
    /// <returns>The packed weight, or null when <see cref="PacksWeights"/> is false.</returns>
    protected PackedMatrix<T>? PackRecurrentForBackward(ReadOnlySpan<T> weight, int ldb, int k, int n) =>
        Pack(ref _recurrentPacked, weight, ldb, k, n, transpose: false);

    /// <summary>Row b's block of gate g in <see cref="Recurrent"/>: H values.</summary>
    /// <param name="b">The row.</param>
    /// <param name="g">The gate block.</param>
    /// <returns>The recurrent pre-activations of that gate.</returns>
    protected Span<T> RecurrentGate(int b, int g) => Recurrent.AsSpan((b * _gateCount + g) * Hidden, Hidden);

    /// <summary>The recurrent product of step s for rows <c>[r0, r1)</c>: <c>Recurrent[r] = h[s][r]·W_hhᵀ</c>.</summary>
    /// <param name="s">The step in processing order.</param>
    /// <param name="r0">First row.</param>
    /// <param name="r1">End of the rows.</param>
    protected void RecurrentProduct(int s, int r0, int r1)
    {
        int h = Hidden, n = _gateCount * h, rows = r1 - r0;
        StepProduct(Hs.AsSpan((s * Batch + r0) * h, rows * h), h, PacksWeights ? _recurrentPacked : null, _recurrentWeight!.Span, h, true,
            Recurrent.AsSpan(r0 * n, rows * n), n, rows, n, h, accumulate: false);
    }

    /// <summary>Adds every row of <paramref name="rows"/> (R × width, leading dimension <paramref name="ld"/>) into <paramref name="sums"/>.</summary>
    /// <param name="rows">The matrix.</param>
    /// <param name="count">R.</param>
    /// <param name="width">Columns summed.</param>
    /// <param name="ld">Distance between rows.</param>
    /// <param name="sums">Accumulator of length <paramref name="width"/>.</param>
    protected static void AddColumnSums(ReadOnlySpan<T> rows, int count, int width, int ld, Span<T> sums)
    {
        for (int r = 0; r < count; r++) TensorPrimitives.Add(sums, rows.Slice(r * ld, width), sums);
    }

    private T[] _weightGradT = [];

    /// <summary>Weights up to this many elements (1024×256) take the transposed product in <see cref="AccumulateWeightGradient"/>.</summary>
    private const long TransposedProductLimit = 1024 * 256;

    /// <summary>
    /// <c>dW += dGᵀ·V</c> over all steps, for the weight that maps rows of V (<paramref name="width"/> features) to
    /// <paramref name="gates"/> pre-activation columns of dG. A small weight's is computed as <c>(Vᵀ·dG)ᵀ</c>: that
    /// product packs the narrow V rather than the wide dG, and measured 20–40 % faster alone (gates × width × steps·B
    /// = 512×64×1600: 0.53 against 0.75 ms; 1024×256×2048: 5.9 against 6.6 ms), for a transpose of only gates × width
    /// elements; inside the LSTM S training step both weight gradients went from 1.88 to 1.69 ms. From
    /// <see cref="TransposedProductLimit"/> elements on, both orders run at the same ~185 GFLOP/s (4096×1024×2048:
    /// 90.6 and 92.4 ms) and the transpose would only add to it, so dG·V is multiplied directly.
    /// </summary>
    /// <param name="dG">Pre-activation gradients, one row per step and sequence.</param>
    /// <param name="ldg">Their leading dimension.</param>
    /// <param name="v">The weight's input, one row per step and sequence.</param>
    /// <param name="ldv">Its leading dimension.</param>
    /// <param name="grad">The gradient of the weight, <c>(gates, width)</c>.</param>
    /// <param name="ldGrad">Its leading dimension.</param>
    /// <param name="gates">Rows of the weight.</param>
    /// <param name="width">Columns of the weight.</param>
    /// <param name="count">Rows of dG and V.</param>
    protected void AccumulateWeightGradient(ReadOnlySpan<T> dG, int ldg, ReadOnlySpan<T> v, int ldv, Span<T> grad, int ldGrad,
        int gates, int width, int count)
    {
        if ((long)gates * width > TransposedProductLimit)
        {
            Multiply(dG, ldg, v, ldv, grad, ldGrad, gates, width, count, transposeA: true, transposeB: false, accumulate: true);
            return;
        }
        Ensure(ref _weightGradT, width * gates);
        var product = _weightGradT.AsSpan(0, width * gates);
        Multiply(v, ldv, dG, ldg, product, gates, width, gates, count, transposeA: true, transposeB: false, accumulate: false);
        const int tile = 16; // a tile of each side stays in L1 while it is transposed
        for (int j0 = 0; j0 < width; j0 += tile)
        {
            int j1 = Math.Min(width, j0 + tile);
            for (int g0 = 0; g0 < gates; g0 += tile)
            {
                int g1 = Math.Min(gates, g0 + tile);
                for (int g = g0; g < g1; g++)
                {
                    var row = grad.Slice(g * ldGrad, width);
                    for (int j = j0; j < j1; j++) row[j] += product[j * gates + g];
                }
            }
        }
    }

    private T[] _biasSums = [];

    /// <summary>
    /// Adds the column sums of <paramref name="dG"/> to the gradients of both biases, b_ih and b_hh, which enter the
    /// pre-activations the same way: dG, the largest buffer of the pass, is read once into one sum that both take.
    /// </summary>
    /// <param name="dG">The pre-activation gradients, <paramref name="count"/> rows of <paramref name="width"/>.</param>
    /// <param name="count">Rows.</param>
    /// <param name="width">Columns: the bias length.</param>
    /// <param name="biasIH">b_ih.</param>
    /// <param name="biasHH">b_hh.</param>
    protected void AccumulateBiasGradients(ReadOnlySpan<T> dG, int count, int width, Autodiff.Variable<T> biasIH, Autodiff.Variable<T> biasHH)
    {
        if (!biasIH.RequiresGrad && !biasHH.RequiresGrad) return;
        Ensure(ref _biasSums, width);
        var sums = _biasSums.AsSpan(0, width);
        sums.Clear();
        AddColumnSums(dG, count, width, width, sums);
        if (biasIH.RequiresGrad) TensorPrimitives.Add(biasIH.GradForAccumulation().Span, sums, biasIH.GradForAccumulation().Span);
        if (biasHH.RequiresGrad) TensorPrimitives.Add(biasHH.GradForAccumulation().Span, sums, biasHH.GradForAccumulation().Span);
    }

    private void Configure(scoped ref FusedForwardArgs<T> a)
    {
        Batch = a.Batch;
        Steps = a.Steps;
        Input = Batch * Steps == 0 ? 0 : a.X.Length / (Batch * Steps);
        Hidden = a.H0.Length / Batch;
        Reverse = a.Reverse;
        Training = a.Training;
        _batchFirst = a.BatchFirst;
        _hasLengths = !a.Lengths.IsEmpty;
        if (_hasLengths)
        {
            if (_lengths.Length < Batch) _lengths = new int[Batch];
            a.Lengths.CopyTo(_lengths);
        }
        int tb = Steps * Batch, bh = Batch * Hidden;
        Ensure(ref X, tb * InputStride);
        Ensure(ref Hs, (Steps + 1) * bh);
        if (Training)
        {
            Ensure(ref DY, tb * Hidden);
            Ensure(ref DH, bh);
            Ensure(ref DHNext, bh);
        }
        GatherInput(a.X);
        a.H0.CopyTo(Hs);
    }

    private int SourceRow(int s, int b)
    {
        int t = Reverse ? Steps - 1 - s : s;
        return _batchFirst ? b * Steps + t : t * Batch + b;
    }

    private void GatherInput(ReadOnlySpan<T> x)
    {
        for (int s = 0; s < Steps; s++)
        {
            for (int b = 0; b < Batch; b++) x.Slice(SourceRow(s, b) * Input, Input).CopyTo(X.AsSpan((s * Batch + b) * InputStride, Input));
        }
    }

    private void ScatterOutput(Span<T> output, int stride, int offset)
    {
        for (int s = 0; s < Steps; s++)
        {
            for (int b = 0; b < Batch; b++)
            {
                var dst = output.Slice(SourceRow(s, b) * stride + offset, Hidden);
                if (Valid(s, b)) Hs.AsSpan(((s + 1) * Batch + b) * Hidden, Hidden).CopyTo(dst);
                else dst.Clear();
            }
        }
    }

    private void GatherOutputGrad(ReadOnlySpan<T> dOutput, int stride, int offset)
    {
        var dy = DY.AsSpan(0, Steps * Batch * Hidden);
        if (dOutput.IsEmpty)
        {
            dy.Clear();
            return;
        }
        for (int s = 0; s < Steps; s++)
        {
            for (int b = 0; b < Batch; b++)
            {
                var dst = dy.Slice((s * Batch + b) * Hidden, Hidden);
                if (Valid(s, b)) dOutput.Slice(SourceRow(s, b) * stride + offset, Hidden).CopyTo(dst);
                else dst.Clear();
            }
        }
    }

    private void ScatterInputGrad(Span<T> dx)
    {
        for (int s = 0; s < Steps; s++)
        {
            for (int b = 0; b < Batch; b++)
            {
                var dst = dx.Slice(SourceRow(s, b) * Input, Input);
                TensorPrimitives.Add(dst, DXBuffer.AsSpan((s * Batch + b) * Input, Input), dst);
            }
        }
    }
}
