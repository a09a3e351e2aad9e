using System.Numerics;
using Recurrent.Kernels;

namespace Recurrent.Cells;

public sealed partial class LstmCell<T> : IFusedCell<T>
{
    bool IFusedCell<T>.HasFusedKernels => true;

    FusedSequence<T> IFusedCell<T>.CreateSequence() => new LstmSequence<T>(this);
}

/// <summary>
/// The LSTM's fused sequence kernels. Per step s: the pre-activations <c>P = [x[s], h[s]]·[W_ih; W_hh]ᵀ</c> in one
/// product (K = I + H), then one pass over the gates taking <c>P + b_ih + b_hh</c> and computing
/// <c>i, f, o = σ(·)</c>, <c>g = tanh(·)</c>, <c>c' = f⊙c + i⊙g</c>, <c>h' = o⊙tanh(c')</c>. Training writes the activations over
/// their pre-activations (saved for backward); inference keeps only c and h.
/// </summary>
/// <remarks>
/// <para>
/// Each row of <see cref="FusedSequence{T}.X"/> holds <c>[x[s], h[s]]</c> (I + H values): the gate pass writes h' straight
/// into the next step's row, so the step's whole product reads one operand, and W_ih and W_hh are packed side by side
/// once per call (<see cref="PackedMatrix{T}"/>). Against an input projection of all T steps beforehand and a separate
/// recurrent product, this keeps a step's pre-activations in cache from the product to the gate pass instead of
/// reading them back from memory (LSTM B 32, T 50, I 64, H 128: (T, B, 4H) is 3.2 MB), and the gate pass reads one
/// pre-activation per gate instead of two. A streaming call (T &lt; 4, where packing costs more than it saves) and a
/// layer whose stacked weights outgrow L2, and training, keep two products: the input projection of all steps
/// beforehand and each step's recurrent product, which the gate pass adds.
/// </para>
/// <para>
/// Backward per step, from the saved activations (σ' = y(1−y), tanh' = 1−y²):
/// <code>
/// dh  = dh_next + dy[s]
/// do  = dh ⊙ tanh(c')                dc = dc_next + dh ⊙ o ⊙ (1 − tanh²(c'))
/// di  = dc ⊙ g    df = dc ⊙ c    dg = dc ⊙ i    dc_prev = dc ⊙ f
/// dG  = [di·i(1−i), df·f(1−f), dg·(1−g²), do·o(1−o)]   (written over the activations)
/// dh_prev = dG·W_hh
/// </code>
/// then <c>dW_hh += Σ dGᵀ·h</c>, <c>dW_ih += Σ dGᵀ·x</c>, <c>db_ih = db_hh += Σ dG</c>, <c>dx = dG·W_ih</c>, each one GEMM over all steps.
/// </para>
/// </remarks>
internal sealed class LstmSequence<T>(LstmCell<T> cell) : FusedSequence<T> where T : unmanaged, IFloatingPointIeee754<T>
{
    private T[] _gates = [];   // (T, B, 4H) training, (B, 4H) inference of a sequence: pre-activations, then activations, then their gradients
    private T[] _cs = [];      // (T + 1, B, H) training, (2, B, H) inference: cell states
    private T[] _dc = [];      // (B, H)
    private T[] _bias = [];    // (4H): b_ih + b_hh
    private T[] _stacked = []; // (4H, I + H): [W_ih, W_hh] row by row, packed into _weights
    private PackedMatrix<T>? _weights; // [W_ih; W_hh]ᵀ for the forward steps
    private PackedMatrix<T>? _whh;     // W_hh for the backward steps: the forward's packed W_hhᵀ storage, repacked

    public override bool HasCellState => true;

    public override IReadOnlyList<string> GateNames { get; } = ["i", "f", "g", "o"];

    public override void CopyGates(int step, Span<T> destination) => _gates.AsSpan(GateRow(step, 0), Batch * 4 * Hidden).CopyTo(destination);

    /// <summary>A stacked pass's rows of X hold [x[s], h[s]]; the others' hold x alone.</summary>
    protected override int InputStride => Stacked ? Input + Hidden : Input;

    /// <summary>
    /// Whether this pass multiplies <c>[x, h]</c> by the stacked weights at every step rather than projecting all
    /// inputs first: for inference over a sequence whose stacked weights fit in a core's L2 cache
    /// (<see cref="StackedLimit"/>). Training keeps the projection beforehand: there the step's pre-activations are
    /// saved (T, B, 4H) either way, so stacking gained nothing in the forward pass (LSTM S: 2.57 against 2.58 ms), and
    /// its rows of I + H made the backward's dW_ih read X with a stride of I + H instead of I (2.34 against 2.17 ms for
    /// both weight gradients).
    /// </summary>
    private bool Stacked => !Training && PacksWeights && (long)(Input + Hidden) * 4 * Hidden <= StackedLimit;

    /// <summary>
    /// The largest stacked weight, in elements (1 MB of floats), multiplied at every step: a step then reads it from
    /// L2. Larger weights (LSTM M: I 256, H 512, 6 MB) come from L3 at every step either way, and there one large
    /// input projection beforehand runs faster than adding I rows to every step's product.
    /// </summary>
    private const long StackedLimit = 256 * 1024;

    private int CSlot(int s) => Training ? s : s & 1;

    /// <summary>Offset of row b's pre-activations at step s: a sequence's inference keeps one step's.</summary>
    private int GateRow(int s, int b) => ((Training || !Stacked ? s : 0) * Batch + b) * 4 * Hidden;

    protected override void ForwardCore(scoped ref FusedForwardArgs<T> args)
    {
        int g4 = 4 * Hidden, bh = Batch * Hidden, tb = Steps * Batch;
        Ensure(ref _gates, (Training || !Stacked ? tb : Batch) * g4);
        Ensure(ref _cs, (Training ? Steps + 1 : 2) * bh);
        Ensure(ref _bias, g4);
        TensorPrimitives.Add(cell.BiasIH.Value.Span, cell.BiasHH.Value.Span, _bias.AsSpan(0, g4));
        args.C0.CopyTo(_cs);
        if (Stacked)
        {
            PackStacked();
            int k = Input + Hidden;
            for (int b = 0; b < Batch; b++) args.H0.Slice(b * Hidden, Hidden).CopyTo(X.AsSpan(b * k + Input, Hidden));
        }
        else
        {
            Gemm.Multiply<T>(X.AsSpan(0, tb * Input), cell.WeightIH.Value.Span, _gates.AsSpan(0, tb * g4), tb, g4, Input, transposeB: true);
            PrepareRecurrent(cell.WeightHH.Value, 4);
        }
        RunRecurrence(ForwardMode);
        _cs.AsSpan(CSlot(Steps) * bh, bh).CopyTo(args.CN);
    }

    /// <summary>Packs <c>[W_ih; W_hh]ᵀ</c>, (I + H) × 4H, the right operand of every forward step of a sequence.</summary>
    private void PackStacked()
    {
        int i = Input, h = Hidden, k = i + h, g4 = 4 * h;
        Ensure(ref _stacked, g4 * k);
        ReadOnlySpan<T> wih = cell.WeightIH.Value.Span, whh = cell.WeightHH.Value.Span;
        for (int r = 0; r < g4; r++)
        {
            wih.Slice(r * i, i).CopyTo(_stacked.AsSpan(r * k, i));
            whh.Slice(r * h, h).CopyTo(_stacked.AsSpan(r * k + i, h));
        }
        Pack(ref _weights, _stacked.AsSpan(0, g4 * k), k, k, g4, transpose: true);
    }

    protected override void BackwardCore(scoped ref FusedBackwardArgs<T> args)
    {
        int g4 = 4 * Hidden, bh = Batch * Hidden, tb = Steps * Batch;
        Ensure(ref _dc, bh);
        if (args.DCN.IsEmpty) Array.Clear(_dc, 0, bh);
        else args.DCN.CopyTo(_dc);
        _whh = PackRecurrentForBackward(cell.WeightHH.Value.Span, Hidden, g4, Hidden);
        RunRecurrence(BackwardMode);
        if (!args.DC0.IsEmpty) TensorPrimitives.Add(args.DC0, _dc.AsSpan(0, bh), args.DC0);

        var dGates = _gates.AsSpan(0, tb * g4);
        int stride = InputStride;
        var x = X.AsSpan(0, tb == 0 ? 0 : (tb - 1) * stride + Input);
        Span<T> dWih = cell.WeightIH.RequiresGrad ? cell.WeightIH.GradForAccumulation().Span : default;
        Span<T> dWhh = cell.WeightHH.RequiresGrad ? cell.WeightHH.GradForAccumulation().Span : default;
        if (!dWih.IsEmpty) AccumulateWeightGradient(dGates, g4, x, stride, dWih, Input, g4, Input, tb);
        if (!dWhh.IsEmpty) AccumulateWeightGradient(dGates, g4, Hs.AsSpan(0, tb * Hidden), Hidden, dWhh, Hidden, g4, Hidden, tb);
        AccumulateBiasGradients(dGates, tb, g4, cell.BiasIH, cell.BiasHH);
        if (!args.DX.IsEmpty) Gemm.Multiply<T>(dGates, cell.WeightIH.Value.Span, DXBuffer.AsSpan(0, tb * Input), tb, Input, g4);
    }

    protected override void Recurrence(int mode, int r0, int r1)
    {
        int h = Hidden, g4 = 4 * h, rows = r1 - r0;
        if (mode == ForwardMode)
        {
            int k = Input + h;
            for (int s = 0; s < Steps; s++)
            {
                if (Stacked) StepProduct(X.AsSpan((s * Batch + r0) * k, rows * k), k, _weights, default, 0, true, _gates.AsSpan(GateRow(s, r0), rows * g4), g4, rows, g4, k, accumulate: false);
                else RecurrentProduct(s, r0, r1);
                for (int b = r0; b < r1; b++) ForwardRow(s, b);
            }
            return;
        }
        T[] dh = DH, dhNext = DHNext;
        ReadOnlySpan<T> weight = cell.WeightHH.Value.Span;
        for (int s = Steps - 1; s >= 0; s--)
        {
            for (int b = r0; b < r1; b++) BackwardRow(s, b, dh);
            StepProduct(_gates.AsSpan((s * Batch + r0) * g4, rows * g4), g4, PacksWeights ? _whh : null, weight, h, false,
                dhNext.AsSpan(r0 * h, rows * h), h, rows, h, g4, accumulate: false);
            for (int b = r0; b < r1; b++)
            {
                if (!Valid(s, b)) dh.AsSpan(b * h, h).CopyTo(dhNext.AsSpan(b * h, h)); // a padded step passes dh through
            }
            (dh, dhNext) = (dhNext, dh);
        }
    }

    private void ForwardRow(int s, int b)
    {
        int h = Hidden, g4 = 4 * h, bh = Batch * h, k = Input + h;
        var cPrev = _cs.AsSpan(CSlot(s) * bh + b * h, h);
        var c = _cs.AsSpan(CSlot(s + 1) * bh + b * h, h);
        var next = Hs.AsSpan((s + 1) * bh + b * h, h);
        // The next step's [x, h] row takes h' too (the last step has no next row).
        var stackedNext = Stacked && s + 1 < Steps ? X.AsSpan(((s + 1) * Batch + b) * k + Input, h) : next;
        if (!Valid(s, b))
        {
            Hs.AsSpan(s * bh + b * h, h).CopyTo(next);
            next.CopyTo(stackedNext);
            cPrev.CopyTo(c);
            return;
        }
        var gate = _gates.AsSpan(GateRow(s, b), g4);
        var bias = _bias.AsSpan(0, g4);
        if (Stacked)
        {
            var infer = new InferenceLanes
            {
                I = gate[..h], F = gate.Slice(h, h), G = gate.Slice(2 * h, h), O = gate.Slice(3 * h, h),
                BI = bias[..h], BF = bias.Slice(h, h), BG = bias.Slice(2 * h, h), BO = bias.Slice(3 * h, h),
                CPrev = cPrev, C = c, H = next, HNext = stackedNext,
            };
            ElementWise.Run<T, InferenceLanes>(ref infer, h);
            return;
        }
        var lanes = new ForwardLanes
        {
            I = gate[..h], F = gate.Slice(h, h), G = gate.Slice(2 * h, h), O = gate.Slice(3 * h, h),
            BI = bias[..h], BF = bias.Slice(h, h), BG = bias.Slice(2 * h, h), BO = bias.Slice(3 * h, h),
            RI = RecurrentGate(b, 0), RF = RecurrentGate(b, 1), RG = RecurrentGate(b, 2), RO = RecurrentGate(b, 3),
            CPrev = cPrev, C = c, H = next,
        };
        ElementWise.Run<T, ForwardLanes>(ref lanes, h);
    }

    private void BackwardRow(int s, int b, T[] dh)
    {
        int h = Hidden, g4 = 4 * h, bh = Batch * h;
        var gate = _gates.AsSpan((s * Batch + b) * g4, g4);
        if (!Valid(s, b))
        {
            gate.Clear(); // no gradient reaches the gates of a padded step; dh and dc pass through
            return;
        }
        var lanes = new BackwardLanes
        {
            I = gate[..h], F = gate.Slice(h, h), G = gate.Slice(2 * h, h), O = gate.Slice(3 * h, h),
            CPrev = _cs.AsSpan(CSlot(s) * bh + b * h, h), C = _cs.AsSpan(CSlot(s + 1) * bh + b * h, h), DC = _dc.AsSpan(b * h, h),
            DH = dh.AsSpan(b * h, h), DY = DY.AsSpan((s * Batch + b) * h, h),
        };
        ElementWise.Run<T, BackwardLanes>(ref lanes, h);
    }

    /// <summary>The gate pass of the projection-first path: <c>G + R + b</c>, activations over G, c', h'.</summary>
    private ref struct ForwardLanes : ILaneKernel<T>
    {
        public Span<T> I, F, G, O, C, H;
        public ReadOnlySpan<T> RI, RF, RG, RO, BI, BF, BG, BO, CPrev;

        void ILaneKernel<T>.Vector<TV>(int j)
        {
            var i = TV.Sigmoid(TV.Load(I, j) + TV.Load(RI, j) + TV.Load(BI, j));
            var f = TV.Sigmoid(TV.Load(F, j) + TV.Load(RF, j) + TV.Load(BF, j));
            var g = TV.Tanh(TV.Load(G, j) + TV.Load(RG, j) + TV.Load(BG, j));
            var o = TV.Sigmoid(TV.Load(O, j) + TV.Load(RO, j) + TV.Load(BO, j));
            var c = f * TV.Load(CPrev, j) + i * g;
            var tc = TV.Tanh(c);
            TV.Store(i, I, j);
            TV.Store(f, F, j);
            TV.Store(g, G, j);
            TV.Store(o, O, j);
            TV.Store(c, C, j);
            TV.Store(o * tc, H, j);
        }

        public void Scalar(int j)
        {
            T i = VectorMath.Sigmoid(I[j] + RI[j] + BI[j]), f = VectorMath.Sigmoid(F[j] + RF[j] + BF[j]);
            T g = VectorMath.Tanh(G[j] + RG[j] + BG[j]), o = VectorMath.Sigmoid(O[j] + RO[j] + BO[j]);
            T c = f * CPrev[j] + i * g, tc = VectorMath.Tanh(c);
            (I[j], F[j], G[j], O[j], C[j], H[j]) = (i, f, g, o, c, o * tc);
        }
    }

    /// <summary>The stacked (inference) gate pass: <c>P + b</c>, only c' and h' kept, h' also into the next step's <c>[x, h]</c> row.</summary>
    private ref struct InferenceLanes : ILaneKernel<T>
    {
        public Span<T> C, H, HNext;
        public ReadOnlySpan<T> I, F, G, O, BI, BF, BG, BO, CPrev;

        void ILaneKernel<T>.Vector<TV>(int j)
        {
            var i = TV.Sigmoid(TV.Load(I, j) + TV.Load(BI, j));
            var f = TV.Sigmoid(TV.Load(F, j) + TV.Load(BF, j));
            var g = TV.Tanh(TV.Load(G, j) + TV.Load(BG, j));
            var o = TV.Sigmoid(TV.Load(O, j) + TV.Load(BO, j));
            var c = f * TV.Load(CPrev, j) + i * g;
            var h = o * TV.Tanh(c);
            TV.Store(c, C, j);
            TV.Store(h, H, j);
            TV.Store(h, HNext, j);
        }

        public void Scalar(int j)
        {
            T i = VectorMath.Sigmoid(I[j] + BI[j]), f = VectorMath.Sigmoid(F[j] + BF[j]);
            T g = VectorMath.Tanh(G[j] + BG[j]), o = VectorMath.Sigmoid(O[j] + BO[j]);
            T c = f * CPrev[j] + i * g;
            C[j] = c;
            H[j] = HNext[j] = o * VectorMath.Tanh(c);
        }
    }

    private ref struct BackwardLanes : ILaneKernel<T>
    {
        public Span<T> I, F, G, O, DC;
        public ReadOnlySpan<T> CPrev, C, DH, DY;

        void ILaneKernel<T>.Vector<TV>(int j)
        {
            var one = TV.One;
            var i = TV.Load(I, j);
            var f = TV.Load(F, j);
            var g = TV.Load(G, j);
            var o = TV.Load(O, j);
            var tc = TV.Tanh(TV.Load(C, j)); // recomputed from the saved c' rather than saved: B·T·H floats less
            var dh = TV.Load(DH, j) + TV.Load(DY, j);
            var dc = TV.Load(DC, j) + dh * o * (one - tc * tc);
            TV.Store(dc * g * i * (one - i), I, j);
            TV.Store(dc * TV.Load(CPrev, j) * f * (one - f), F, j);
            TV.Store(dc * i * (one - g * g), G, j);
            TV.Store(dh * tc * o * (one - o), O, j);
            TV.Store(dc * f, DC, j);
        }

        public void Scalar(int j)
        {
            T i = I[j], f = F[j], g = G[j], o = O[j], tc = VectorMath.Tanh(C[j]);
            T dh = DH[j] + DY[j];
            T dc = DC[j] + dh * o * (T.One - tc * tc);
            I[j] = dc * g * i * (T.One - i);
            F[j] = dc * CPrev[j] * f * (T.One - f);
            G[j] = dc * i * (T.One - g * g);
            O[j] = dh * tc * o * (T.One - o);
            DC[j] = dc * f;
        }
    }
}
