using System.Numerics;
using Recurrent.Autodiff;
using Recurrent.Kernels;

namespace Recurrent.Cells;

public sealed partial class ElmanCell<T> : IFusedCell<T>
{
    bool IFusedCell<T>.HasFusedKernels => WeightHO is null && Nonlinearity != Activation.Identity;

    FusedSequence<T> IFusedCell<T>.CreateSequence() => new ElmanSequence<T>(this);
}

/// <summary>
/// The basic cell's fused sequence kernels: <c>A = X·W_hxᵀ</c> for all steps in one GEMM, then per step
/// <c>A[s] += h[s]·W_hhᵀ</c> and <c>h[s+1] = φ(A[s] + b_h)</c>. Backward per step: <c>dA = (dh + dy[s]) ⊙ φ'(h[s+1])</c> from
/// the saved output (tanh' = 1 − h², σ' = h(1 − h), relu' = [h &gt; 0]), <c>dh_prev = dA·W_hh</c>; then the weight
/// gradients as one GEMM each over all steps.
/// </summary>
internal sealed class ElmanSequence<T>(ElmanCell<T> cell) : FusedSequence<T> where T : unmanaged, IFloatingPointIeee754<T>
{
    private T[] _pre = [];   // (T, B, H): input projections, then pre-activations, then their gradients
    private T[] _bias = [];  // (H): b_ih + b_hh
    private PackedMatrix<T>? _whh; // W_hh for the backward steps: the forward's packed W_hhᵀ storage, repacked

    public override bool HasCellState => false;

    protected override void ForwardCore(scoped ref FusedForwardArgs<T> args)
    {
        int h = Hidden, tb = Steps * Batch;
        Ensure(ref _pre, tb * h);
        Ensure(ref _bias, h);
        TensorPrimitives.Add(cell.BiasIH.Value.Span, cell.BiasHH.Value.Span, _bias.AsSpan(0, h));
        Gemm.Multiply<T>(X.AsSpan(0, tb * Input), cell.WeightIH.Value.Span, _pre.AsSpan(0, tb * h), tb, h, Input, transposeB: true);
        PrepareRecurrent(cell.WeightHH.Value, 1);
        RunRecurrence(ForwardMode);
    }

    protected override void BackwardCore(scoped ref FusedBackwardArgs<T> args)
    {
        int h = Hidden, tb = Steps * Batch;
        _whh = PackRecurrentForBackward(cell.WeightHH.Value.Span, h, h, h);
        RunRecurrence(BackwardMode);
        var dPre = _pre.AsSpan(0, tb * h);
        var x = X.AsSpan(0, tb * Input);
        if (cell.WeightIH.RequiresGrad) AccumulateWeightGradient(dPre, h, x, Input, cell.WeightIH.GradForAccumulation().Span, Input, h, Input, tb);
        if (cell.WeightHH.RequiresGrad) AccumulateWeightGradient(dPre, h, Hs.AsSpan(0, tb * h), h, cell.WeightHH.GradForAccumulation().Span, h, h, h, tb);
        AccumulateBiasGradients(dPre, tb, h, cell.BiasIH, cell.BiasHH);
        if (!args.DX.IsEmpty) Gemm.Multiply<T>(dPre, cell.WeightIH.Value.Span, DXBuffer.AsSpan(0, tb * Input), tb, Input, h);
    }

    protected override void Recurrence(int mode, int r0, int r1)
    {
        int h = Hidden, bh = Batch * h, rows = r1 - r0;
        var phi = cell.Nonlinearity;
        if (mode == ForwardMode)
        {
            for (int s = 0; s < Steps; s++)
            {
                RecurrentProduct(s, r0, r1);
                for (int b = r0; b < r1; b++)
                {
                    var next = Hs.AsSpan((s + 1) * bh + b * h, h);
                    if (!Valid(s, b))
                    {
                        Hs.AsSpan(s * bh + b * h, h).CopyTo(next);
                        continue;
                    }
                    var pre = _pre.AsSpan((s * Batch + b) * h, h);
                    TensorPrimitives.Add(pre, RecurrentGate(b, 0), pre);
                    TensorPrimitives.Add(pre, _bias.AsSpan(0, h), pre);
                    if (phi == Activation.Tanh) TensorPrimitives.Tanh(pre, next);
                    else if (phi == Activation.Sigmoid) TensorPrimitives.Sigmoid(pre, next);
                    else TensorPrimitives.Max(pre, T.Zero, next);
                }
            }
            return;
        }
        T[] dh = DH, dhNext = DHNext;
        ReadOnlySpan<T> whh = cell.WeightHH.Value.Span;
        for (int s = Steps - 1; s >= 0; s--)
        {
            for (int b = r0; b < r1; b++)
            {
                var dPre = _pre.AsSpan((s * Batch + b) * h, h);
                if (!Valid(s, b))
                {
                    dPre.Clear();
                    continue;
                }
                var lanes = new BackwardLanes
                {
                    DPre = dPre, H = Hs.AsSpan((s + 1) * bh + b * h, h), DH = dh.AsSpan(b * h, h), DY = DY.AsSpan((s * Batch + b) * h, h), Phi = phi,
                };
                ElementWise.Run<T, BackwardLanes>(ref lanes, h);
            }
            StepProduct(_pre.AsSpan((s * Batch + r0) * h, rows * h), h, PacksWeights ? _whh : null, whh, h, false,
                dhNext.AsSpan(r0 * h, rows * h), h, rows, h, h, accumulate: false);
            for (int b = r0; b < r1; b++)
            {
                if (!Valid(s, b)) dh.AsSpan(b * h, h).CopyTo(dhNext.AsSpan(b * h, h));
            }
            (dh, dhNext) = (dhNext, dh);
        }
    }

    /// <summary><c>dA = (dh + dy) ⊙ φ'</c>, φ' from the output h.</summary>
    private ref struct BackwardLanes : ILaneKernel<T>
    {
        public Span<T> DPre;
        public ReadOnlySpan<T> H, DH, DY;
        public Activation Phi;

        void ILaneKernel<T>.Vector<TV>(int j)
        {
            var h = TV.Load(H, j);
            var d = TV.Load(DH, j) + TV.Load(DY, j);
            var result = Phi switch
            {
                Activation.Tanh => d * (TV.One - h * h),
                Activation.Sigmoid => d * h * (TV.One - h),
                _ => d & TV.Positive(h),
            };
            TV.Store(result, DPre, j);
        }

        public void Scalar(int j)
        {
            T h = H[j], d = DH[j] + DY[j];
            DPre[j] = Phi switch
            {
                Activation.Tanh => d * (T.One - h * h),
                Activation.Sigmoid => d * h * (T.One - h),
                _ => h > T.Zero ? d : T.Zero,
            };
        }
    }
}
