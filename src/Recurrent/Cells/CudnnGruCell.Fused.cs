using System.Numerics;
using Recurrent.Kernels;

namespace Recurrent.Cells;

public sealed partial class CudnnGruCell<T> : IFusedCell<T>
{
    bool IFusedCell<T>.HasFusedKernels => true;

    FusedSequence<T> IFusedCell<T>.CreateSequence() => new CudnnGruSequence<T>(this);
}

/// <summary>
/// The PyTorch/cuDNN GRU's fused sequence kernels. <c>Gx = X·W_ihᵀ</c> for all steps in one GEMM (the biases
/// <c>b_ih + [b_hr, b_hz, 0]</c> are added in the gate pass); per step one GEMM <c>Gh = h·W_hhᵀ</c> (all three blocks at once: the reason for this form) and one pass:
/// <c>r = σ(Gx_r + Gh_r)</c>, <c>z = σ(Gx_z + Gh_z)</c>, <c>ĥ = Gh_n + b_hn</c>, <c>n = tanh(Gx_n + r⊙ĥ)</c>, <c>h' = n + z⊙(h − n)</c>.
/// </summary>
/// <remarks>
/// Backward per step, with <c>dh = dh_next + dy[s]</c>:
/// <code>
/// dz = dh⊙(h − n)⊙z(1−z)    dn = dh⊙(1−z)⊙(1−n²)    dĥ = dn⊙r    dr = dn⊙ĥ⊙r(1−r)
/// dGx = [dr, dz, dn]    dGh = [dr, dz, dĥ]    dh_prev = dh⊙z + dGh·W_hh
/// </code>
/// then <c>dW_ih += dGxᵀ·x</c>, <c>dW_hh += dGhᵀ·h</c>, <c>db_ih += Σ dGx</c>, <c>db_hh += Σ dGh</c>, <c>dx = dGx·W_ih</c>.
/// </remarks>
internal sealed class CudnnGruSequence<T>(CudnnGruCell<T> cell) : FusedSequence<T> where T : unmanaged, IFloatingPointIeee754<T>
{
    private T[] _gx = [];     // (T, B, 3H): x part; then r, z, n; then dGx
    private T[] _gh = [];     // (T, B, 3H): dGh in backward
    private T[] _hHat = [];   // (T, B, H) training, (1, B, H) inference: W_hn·h + b_hn
    private T[] _bias = [];   // (3H): b_ih + [b_hr, b_hz, 0]
    private PackedMatrix<T>? _whh; // W_hh for the backward steps: the forward's packed W_hhᵀ storage, repacked

    public override bool HasCellState => false;

    public override IReadOnlyList<string> GateNames { get; } = ["r", "z", "n"];

    public override void CopyGates(int step, Span<T> destination) => _gx.AsSpan(step * Batch * 3 * Hidden, Batch * 3 * Hidden).CopyTo(destination);

    protected override void ForwardCore(scoped ref FusedForwardArgs<T> args)
    {
        int h = Hidden, g3 = 3 * h, bh = Batch * h, tb = Steps * Batch;
        Ensure(ref _gx, tb * g3);
        if (Training) Ensure(ref _gh, tb * g3);
        Ensure(ref _hHat, (Training ? Steps : 1) * bh);
        Ensure(ref _bias, g3);
        var bias = _bias.AsSpan(0, g3);
        cell.BiasIH.Value.Span.CopyTo(bias);
        TensorPrimitives.Add(bias[..(2 * h)], cell.BiasHH.Value.Span[..(2 * h)], bias[..(2 * h)]);
        Gemm.Multiply<T>(X.AsSpan(0, tb * Input), cell.WeightIH.Value.Span, _gx.AsSpan(0, tb * g3), tb, g3, Input, transposeB: true);
        PrepareRecurrent(cell.WeightHH.Value, 3);
        RunRecurrence(ForwardMode);
    }

    protected override void BackwardCore(scoped ref FusedBackwardArgs<T> args)
    {
        int h = Hidden, g3 = 3 * h, tb = Steps * Batch;
        _whh = PackRecurrentForBackward(cell.WeightHH.Value.Span, h, g3, h);
        RunRecurrence(BackwardMode);
        var dGx = _gx.AsSpan(0, tb * g3);
        var dGh = _gh.AsSpan(0, tb * g3);
        var x = X.AsSpan(0, tb * Input);
        if (cell.WeightIH.RequiresGrad) AccumulateWeightGradient(dGx, g3, x, Input, cell.WeightIH.GradForAccumulation().Span, Input, g3, Input, tb);
        if (cell.WeightHH.RequiresGrad) AccumulateWeightGradient(dGh, g3, Hs.AsSpan(0, tb * h), h, cell.WeightHH.GradForAccumulation().Span, h, g3, h, tb);
        if (cell.BiasIH.RequiresGrad) AddColumnSums(dGx, tb, g3, g3, cell.BiasIH.GradForAccumulation().Span);
        if (cell.BiasHH.RequiresGrad) AddColumnSums(dGh, tb, g3, g3, cell.BiasHH.GradForAccumulation().Span);
        if (!args.DX.IsEmpty) Gemm.Multiply<T>(dGx, cell.WeightIH.Value.Span, DXBuffer.AsSpan(0, tb * Input), tb, Input, g3);
    }

    protected override void Recurrence(int mode, int r0, int r1)
    {
        int h = Hidden, g3 = 3 * h, rows = r1 - r0;
        if (mode == ForwardMode)
        {
            for (int s = 0; s < Steps; s++)
            {
                RecurrentProduct(s, r0, r1);
                for (int b = r0; b < r1; b++) ForwardRow(s, b);
            }
            return;
        }
        T[] dh = DH, dhNext = DHNext;
        ReadOnlySpan<T> whh = cell.WeightHH.Value.Span;
        for (int s = Steps - 1; s >= 0; s--)
        {
            for (int b = r0; b < r1; b++) BackwardRow(s, b, dh, dhNext);
            StepProduct(_gh.AsSpan((s * Batch + r0) * g3, rows * g3), g3, PacksWeights ? _whh : null, whh, h, false,
                dhNext.AsSpan(r0 * h, rows * h), h, rows, h, g3, accumulate: true);
            (dh, dhNext) = (dhNext, dh);
        }
    }

    private void ForwardRow(int s, int b)
    {
        int h = Hidden, g3 = 3 * h, bh = Batch * h;
        var prev = Hs.AsSpan(s * bh + b * h, h);
        var next = Hs.AsSpan((s + 1) * bh + b * h, h);
        if (!Valid(s, b))
        {
            prev.CopyTo(next);
            return;
        }
        var gx = _gx.AsSpan((s * Batch + b) * g3, g3);
        var bias = _bias.AsSpan(0, g3);
        var lanes = new ForwardLanes
        {
            R = gx[..h], Z = gx.Slice(h, h), N = gx.Slice(2 * h, h), HHat = _hHat.AsSpan((Training ? s : 0) * bh + b * h, h), Next = next,
            GhR = RecurrentGate(b, 0), GhZ = RecurrentGate(b, 1), GhN = RecurrentGate(b, 2), Bhn = cell.BiasHH.Value.Span.Slice(2 * h, h), Prev = prev,
            BR = bias[..h], BZ = bias.Slice(h, h), BN = bias.Slice(2 * h, h),
        };
        ElementWise.Run<T, ForwardLanes>(ref lanes, h);
    }

    private void BackwardRow(int s, int b, T[] dh, T[] dhNext)
    {
        int h = Hidden, g3 = 3 * h, bh = Batch * h;
        var gx = _gx.AsSpan((s * Batch + b) * g3, g3);
        var dgh = _gh.AsSpan((s * Batch + b) * g3, g3);
        var direct = dhNext.AsSpan(b * h, h);
        if (!Valid(s, b))
        {
            gx.Clear();
            dgh.Clear();
            dh.AsSpan(b * h, h).CopyTo(direct); // a padded step passes dh through
            return;
        }
        var lanes = new BackwardLanes
        {
            R = gx[..h], Z = gx.Slice(h, h), N = gx.Slice(2 * h, h), DHHat = dgh.Slice(2 * h, h), DR = dgh[..h], DZ = dgh.Slice(h, h),
            Direct = direct, HHat = _hHat.AsSpan(s * bh + b * h, h), Prev = Hs.AsSpan(s * bh + b * h, h),
            DH = dh.AsSpan(b * h, h), DY = DY.AsSpan((s * Batch + b) * h, h),
        };
        ElementWise.Run<T, BackwardLanes>(ref lanes, h);
    }

    private ref struct ForwardLanes : ILaneKernel<T>
    {
        public Span<T> R, Z, N, HHat, Next;
        public ReadOnlySpan<T> GhR, GhZ, GhN, Bhn, Prev, BR, BZ, BN;

        void ILaneKernel<T>.Vector<TV>(int j)
        {
            var r = TV.Sigmoid(TV.Load(R, j) + TV.Load(GhR, j) + TV.Load(BR, j));
            var z = TV.Sigmoid(TV.Load(Z, j) + TV.Load(GhZ, j) + TV.Load(BZ, j));
            var hHat = TV.Load(GhN, j) + TV.Load(Bhn, j);
            var n = TV.Tanh(TV.Load(N, j) + TV.Load(BN, j) + r * hHat);
            TV.Store(r, R, j);
            TV.Store(z, Z, j);
            TV.Store(n, N, j);
            TV.Store(hHat, HHat, j);
            TV.Store(n + z * (TV.Load(Prev, j) - n), Next, j);
        }

        public void Scalar(int j)
        {
            T r = VectorMath.Sigmoid(R[j] + GhR[j] + BR[j]), z = VectorMath.Sigmoid(Z[j] + GhZ[j] + BZ[j]);
            T hHat = GhN[j] + Bhn[j];
            T n = VectorMath.Tanh(N[j] + BN[j] + r * hHat);
            (R[j], Z[j], N[j], HHat[j], Next[j]) = (r, z, n, hHat, n + z * (Prev[j] - n));
        }
    }

    private ref struct BackwardLanes : ILaneKernel<T>
    {
        public Span<T> R, Z, N, DR, DZ, DHHat, Direct;
        public ReadOnlySpan<T> HHat, Prev, DH, DY;

        void ILaneKernel<T>.Vector<TV>(int j)
        {
            var one = TV.One;
            var r = TV.Load(R, j);
            var z = TV.Load(Z, j);
            var n = TV.Load(N, j);
            var dh = TV.Load(DH, j) + TV.Load(DY, j);
            var dz = dh * (TV.Load(Prev, j) - n) * z * (one - z);
            var dn = dh * (one - z) * (one - n * n);
            var dr = dn * TV.Load(HHat, j) * r * (one - r);
            TV.Store(dr, R, j);
            TV.Store(dz, Z, j);
            TV.Store(dn, N, j);
            TV.Store(dr, DR, j);
            TV.Store(dz, DZ, j);
            TV.Store(dn * r, DHHat, j);
            TV.Store(dh * z, Direct, j);
        }

        public void Scalar(int j)
        {
            T r = R[j], z = Z[j], n = N[j], dh = DH[j] + DY[j];
            T dz = dh * (Prev[j] - n) * z * (T.One - z);
            T dn = dh * (T.One - z) * (T.One - n * n);
            T dr = dn * HHat[j] * r * (T.One - r);
            (R[j], Z[j], N[j], DR[j], DZ[j], DHHat[j], Direct[j]) = (dr, dz, dn, dr, dz, dn * r, dh * z);
        }
    }
}
