using System.Numerics;
using System.Runtime.Intrinsics;
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
    private const int BackwardMode = 1;
    private T[] _pre = [];   // (T, B, H): pre-activations, then their gradients
    private T[] _bias = [];  // (H): b_ih + b_hh
    private PackedMatrix<T>? _whh;

    public override bool HasCellState => false;

    protected override void ForwardCore(scoped ref FusedForwardArgs<T> args)
    {
        int h = Hidden, bh = Batch * h, tb = Steps * Batch;
        Ensure(ref _pre, tb * h);
        Ensure(ref _bias, h);
        TensorPrimitives.Add(cell.BiasIH.Value.Span, cell.BiasHH.Value.Span, _bias.AsSpan(0, h));
        var pre = _pre.AsSpan(0, tb * h);
        Gemm.Multiply<T>(X.AsSpan(0, tb * Input), cell.WeightIH.Value.Span, pre, tb, h, Input, transposeB: true);
        PrepareRecurrent(cell.WeightHH.Value, 1);
        for (int s = 0; s < Steps; s++) ForwardStep(s);
    }

    protected override void BackwardCore(scoped ref FusedBackwardArgs<T> args)
    {
        int h = Hidden, bh = Batch * h, tb = Steps * Batch;
        var dPre = _pre.AsSpan(0, tb * h);
        ReadOnlySpan<T> whh = cell.WeightHH.Value.Span;
        var packed = Pack(ref _whh, whh, h, h, h, transpose: false);
        for (int s = Steps - 1; s >= 0; s--)
        {
            ForRows(BackwardMode, s);
            StepProduct(dPre.Slice(s * bh, bh), h, packed, whh, h, false, DHNext.AsSpan(0, bh), h, Batch, h, h, accumulate: false);
            if (AnyPadded(s))
            {
                for (int b = 0; b < Batch; b++)
                {
                    if (!Valid(s, b)) DH.AsSpan(b * h, h).CopyTo(DHNext.AsSpan(b * h, h));
                }
            }
            (DH, DHNext) = (DHNext, DH);
        }
        var x = X.AsSpan(0, tb * Input);
        if (cell.WeightIH.RequiresGrad) Gemm.Multiply<T>(dPre, x, cell.WeightIH.GradForAccumulation().Span, h, Input, tb, transposeA: true, accumulate: true);
        if (cell.WeightHH.RequiresGrad) Gemm.Multiply<T>(dPre, Hs.AsSpan(0, tb * h), cell.WeightHH.GradForAccumulation().Span, h, h, tb, transposeA: true, accumulate: true);
        if (cell.BiasIH.RequiresGrad) AddColumnSums(dPre, tb, h, h, cell.BiasIH.GradForAccumulation().Span);
        if (cell.BiasHH.RequiresGrad) AddColumnSums(dPre, tb, h, h, cell.BiasHH.GradForAccumulation().Span);
        if (!args.DX.IsEmpty) Gemm.Multiply<T>(dPre, cell.WeightIH.Value.Span, DXBuffer.AsSpan(0, tb * Input), tb, Input, h);
    }

    protected override void Rows(int mode, int s, int r0, int r1)
    {
        int h = Hidden, bh = Batch * h;
        var phi = cell.Nonlinearity;
        for (int b = r0; b < r1; b++)
        {
            var pre = _pre.AsSpan((s * Batch + b) * h, h);
            var next = Hs.AsSpan((s + 1) * bh + b * h, h);
            if (mode == ForwardRowsMode)
            {
                if (!Valid(s, b))
                {
                    Hs.AsSpan(s * bh + b * h, h).CopyTo(next);
                    continue;
                }
                TensorPrimitives.Add(pre, RecurrentGate(b, 0), pre);
                TensorPrimitives.Add(pre, _bias.AsSpan(0, h), pre);
                if (phi == Activation.Tanh) TensorPrimitives.Tanh(pre, next);
                else if (phi == Activation.Sigmoid) TensorPrimitives.Sigmoid(pre, next);
                else TensorPrimitives.Max(pre, T.Zero, next);
                continue;
            }
            if (!Valid(s, b))
            {
                pre.Clear();
                continue;
            }
            var lanes = new BackwardLanes { DPre = pre, H = next, DH = DH.AsSpan(b * h, h), DY = DY.AsSpan((s * Batch + b) * h, h), Phi = phi };
            ElementWise.Run<T, BackwardLanes>(ref lanes, h);
        }
    }

    /// <summary><c>dA = (dh + dy) ⊙ φ'</c>, φ' from the output h.</summary>
    private ref struct BackwardLanes : ILaneKernel
    {
        public Span<T> DPre;
        public ReadOnlySpan<T> H, DH, DY;
        public Activation Phi;

        public void Vector(int j)
        {
            var h = Lanes.Load(H, j);
            var d = Lanes.Load(DH, j) + Lanes.Load(DY, j);
            var result = Phi switch
            {
                Activation.Tanh => d * (Vector256<T>.One - h * h),
                Activation.Sigmoid => d * h * (Vector256<T>.One - h),
                _ => d & Vector256.GreaterThan(h, Vector256<T>.Zero),
            };
            Lanes.Store(result, DPre, j);
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
