using System.Numerics;
using Recurrent.Kernels;

namespace Recurrent.Cells;

public sealed partial class GruCell<T> : IFusedCell<T>
{
    bool IFusedCell<T>.HasFusedKernels => true;

    FusedSequence<T> IFusedCell<T>.CreateSequence() => new GruSequence<T>(this);
}

/// <summary>
/// The lecture GRU's fused sequence kernels. Because the reset gate multiplies h <em>before</em> the product with W_hn,
/// each step needs two dependent GEMMs: <c>G[s]_{r,z} += h·W_{h,rz}ᵀ</c>, a pass <c>r, z = σ(·)</c>, <c>rh = r⊙h</c>, then
/// <c>G[s]_n += rh·W_hnᵀ</c> and a pass <c>h̃ = tanh(·)</c>, <c>h' = h + z⊙(h̃ − h)</c>. The input projection
/// <c>G = X·W_ihᵀ</c> is computed for all steps in one GEMM; the biases <c>b_ih + b_hh</c> are added in the gate passes.
/// </summary>
/// <remarks>
/// Backward per step, with <c>dh = dh_next + dy[s]</c>:
/// <code>
/// dz = dh⊙(h̃ − h)⊙z(1−z)    dn = dh⊙z⊙(1−h̃²)    d(rh) = dn·W_hn    dr = d(rh)⊙h⊙r(1−r)
/// dh_prev = dh⊙(1−z) + d(rh)⊙r + [dr, dz]·W_{h,rz}
/// </code>
/// then <c>dW_{h,rz} += [dr, dz]ᵀ·h</c>, <c>dW_hn += dnᵀ·rh</c>, <c>dW_ih += dGᵀ·x</c>, <c>db_ih = db_hh += Σ dG</c>, <c>dx = dG·W_ih</c>.
/// </remarks>
internal sealed class GruSequence<T>(GruCell<T> cell) : FusedSequence<T> where T : unmanaged, IFloatingPointIeee754<T>
{
    private T[] _g = [];      // (T, B, 3H): input projections, then r, z, h̃, then their gradients
    private T[] _rh = [];     // (T, B, H) training, (1, B, H) inference: r ⊙ h
    private T[] _drh = [];    // (B, H)
    private T[] _bias = [];   // (3H): b_ih + b_hh
    private PackedMatrix<T>? _wrzT, _wnT, _wrz, _wn; // forward W_{h,rz}ᵀ and W_hnᵀ; backward W_{h,rz} and W_hn

    public override bool HasCellState => false;

    public override IReadOnlyList<string> GateNames { get; } = ["r", "z", "n"];

    public override void CopyGates(int step, Span<T> destination) => _g.AsSpan(step * Batch * 3 * Hidden, Batch * 3 * Hidden).CopyTo(destination);

    protected override void ForwardCore(scoped ref FusedForwardArgs<T> args)
    {
        int h = Hidden, g3 = 3 * h, bh = Batch * h, tb = Steps * Batch;
        Ensure(ref _g, tb * g3);
        Ensure(ref _rh, (Training ? Steps : 1) * bh);
        Ensure(ref _bias, g3);
        Ensure(ref _drh, bh);
        TensorPrimitives.Add(cell.BiasIH.Value.Span, cell.BiasHH.Value.Span, _bias.AsSpan(0, g3));
        Gemm.Multiply<T>(X.AsSpan(0, tb * Input), cell.WeightIH.Value.Span, _g.AsSpan(0, tb * g3), tb, g3, Input, transposeB: true);
        ReadOnlySpan<T> whh = cell.WeightHH.Value.Span;
        Pack(ref _wrzT, whh[..(2 * h * h)], h, h, 2 * h, transpose: true);
        Pack(ref _wnT, whh.Slice(2 * h * h, h * h), h, h, h, transpose: true);
        RunRecurrence(ForwardMode);
    }

    protected override void BackwardCore(scoped ref FusedBackwardArgs<T> args)
    {
        int h = Hidden, g3 = 3 * h, tb = Steps * Batch;
        ReadOnlySpan<T> whh = cell.WeightHH.Value.Span;
        Pack(ref _wrz, whh[..(2 * h * h)], h, 2 * h, h, transpose: false);
        Pack(ref _wn, whh.Slice(2 * h * h, h * h), h, h, h, transpose: false);
        RunRecurrence(BackwardMode);
        var dG = _g.AsSpan(0, tb * g3);
        var x = X.AsSpan(0, tb * Input);
        if (cell.WeightIH.RequiresGrad) AccumulateWeightGradient(dG, g3, x, Input, cell.WeightIH.GradForAccumulation().Span, Input, g3, Input, tb);
        if (cell.WeightHH.RequiresGrad)
        {
            var dW = cell.WeightHH.GradForAccumulation().Span;
            AccumulateWeightGradient(dG, g3, Hs.AsSpan(0, tb * h), h, dW, h, 2 * h, h, tb);
            AccumulateWeightGradient(dG[(2 * h)..], g3, _rh.AsSpan(0, tb * h), h, dW[(2 * h * h)..], h, h, h, tb);
        }
        AccumulateBiasGradients(dG, tb, g3, cell.BiasIH, cell.BiasHH);
        if (!args.DX.IsEmpty) Gemm.Multiply<T>(dG, cell.WeightIH.Value.Span, DXBuffer.AsSpan(0, tb * Input), tb, Input, g3);
    }

    protected override void Recurrence(int mode, int r0, int r1)
    {
        int h = Hidden, g3 = 3 * h, bh = Batch * h, rows = r1 - r0;
        ReadOnlySpan<T> whh = cell.WeightHH.Value.Span;
        ReadOnlySpan<T> wrz = whh[..(2 * h * h)], wn = whh.Slice(2 * h * h, h * h);
        if (mode == ForwardMode)
        {
            for (int s = 0; s < Steps; s++)
            {
                var gs = _g.AsSpan((s * Batch + r0) * g3, rows * g3);
                StepProduct(Hs.AsSpan(s * bh + r0 * h, rows * h), h, PacksWeights ? _wrzT : null, wrz, h, true, gs, g3, rows, 2 * h, h, accumulate: true);
                for (int b = r0; b < r1; b++) GatesRow(s, b);
                var rh = _rh.AsSpan((Training ? s : 0) * bh + r0 * h, rows * h);
                StepProduct(rh, h, PacksWeights ? _wnT : null, wn, h, true, gs[(2 * h)..], g3, rows, h, h, accumulate: true);
                for (int b = r0; b < r1; b++) CandidateRow(s, b);
            }
            return;
        }
        T[] dh = DH, dhNext = DHNext;
        for (int s = Steps - 1; s >= 0; s--)
        {
            var gs = _g.AsSpan((s * Batch + r0) * g3, rows * g3);
            for (int b = r0; b < r1; b++) CandidateBackRow(s, b, dh, dhNext);
            StepProduct(gs[(2 * h)..], g3, PacksWeights ? _wn : null, wn, h, false, _drh.AsSpan(r0 * h, rows * h), h, rows, h, h, accumulate: false);
            for (int b = r0; b < r1; b++) GatesBackRow(s, b, dhNext);
            StepProduct(gs, g3, PacksWeights ? _wrz : null, wrz, h, false, dhNext.AsSpan(r0 * h, rows * h), h, rows, h, 2 * h, accumulate: true);
            (dh, dhNext) = (dhNext, dh);
        }
    }

    private void GatesRow(int s, int b)
    {
        int h = Hidden, g3 = 3 * h, bh = Batch * h;
        var g = _g.AsSpan((s * Batch + b) * g3, g3);
        var lanes = new GatesLanes
        {
            R = g[..h], Z = g.Slice(h, h), RH = _rh.AsSpan((Training ? s : 0) * bh + b * h, h), Prev = Hs.AsSpan(s * bh + b * h, h),
            BR = _bias.AsSpan(0, h), BZ = _bias.AsSpan(h, h),
        };
        ElementWise.Run<T, GatesLanes>(ref lanes, h);
    }

    private void CandidateRow(int s, int b)
    {
        int h = Hidden, g3 = 3 * h, bh = Batch * h;
        var prev = Hs.AsSpan(s * bh + b * h, h);
        var next = Hs.AsSpan((s + 1) * bh + b * h, h);
        if (!Valid(s, b))
        {
            prev.CopyTo(next);
            return;
        }
        var g = _g.AsSpan((s * Batch + b) * g3, g3);
        var lanes = new CandidateLanes { N = g.Slice(2 * h, h), Z = g.Slice(h, h), Prev = prev, Next = next, BN = _bias.AsSpan(2 * h, h) };
        ElementWise.Run<T, CandidateLanes>(ref lanes, h);
    }

    private void CandidateBackRow(int s, int b, T[] dh, T[] dhNext)
    {
        int h = Hidden, g3 = 3 * h, bh = Batch * h;
        var g = _g.AsSpan((s * Batch + b) * g3, g3);
        var direct = dhNext.AsSpan(b * h, h);
        if (!Valid(s, b))
        {
            g.Clear();
            dh.AsSpan(b * h, h).CopyTo(direct); // a padded step passes dh through
            return;
        }
        var lanes = new CandidateBackLanes
        {
            N = g.Slice(2 * h, h), Z = g.Slice(h, h), Direct = direct, Prev = Hs.AsSpan(s * bh + b * h, h),
            DH = dh.AsSpan(b * h, h), DY = DY.AsSpan((s * Batch + b) * h, h),
        };
        ElementWise.Run<T, CandidateBackLanes>(ref lanes, h);
    }

    private void GatesBackRow(int s, int b, T[] dhNext)
    {
        if (!Valid(s, b)) return;
        int h = Hidden, g3 = 3 * h, bh = Batch * h;
        var g = _g.AsSpan((s * Batch + b) * g3, g3);
        var lanes = new GatesBackLanes { R = g[..h], Direct = dhNext.AsSpan(b * h, h), DRH = _drh.AsSpan(b * h, h), Prev = Hs.AsSpan(s * bh + b * h, h) };
        ElementWise.Run<T, GatesBackLanes>(ref lanes, h);
    }

    /// <summary><c>r, z = σ(·)</c> in place; <c>rh = r⊙h</c>.</summary>
    private ref struct GatesLanes : ILaneKernel<T>
    {
        public Span<T> R, Z, RH;
        public ReadOnlySpan<T> Prev, BR, BZ;

        void ILaneKernel<T>.Vector<TV>(int j)
        {
            var r = TV.Sigmoid(TV.Load(R, j) + TV.Load(BR, j));
            TV.Store(r, R, j);
            TV.Store(TV.Sigmoid(TV.Load(Z, j) + TV.Load(BZ, j)), Z, j);
            TV.Store(r * TV.Load(Prev, j), RH, j);
        }

        public void Scalar(int j)
        {
            T r = VectorMath.Sigmoid(R[j] + BR[j]);
            (R[j], Z[j], RH[j]) = (r, VectorMath.Sigmoid(Z[j] + BZ[j]), r * Prev[j]);
        }
    }

    /// <summary><c>h̃ = tanh(·)</c> in place; <c>h' = h + z⊙(h̃ − h)</c>.</summary>
    private ref struct CandidateLanes : ILaneKernel<T>
    {
        public Span<T> N, Next;
        public ReadOnlySpan<T> Z, Prev, BN;

        void ILaneKernel<T>.Vector<TV>(int j)
        {
            var n = TV.Tanh(TV.Load(N, j) + TV.Load(BN, j));
            var h = TV.Load(Prev, j);
            TV.Store(n, N, j);
            TV.Store(h + TV.Load(Z, j) * (n - h), Next, j);
        }

        public void Scalar(int j)
        {
            T n = VectorMath.Tanh(N[j] + BN[j]);
            (N[j], Next[j]) = (n, Prev[j] + Z[j] * (n - Prev[j]));
        }
    }

    /// <summary><c>dz</c>, <c>dn</c> in place; the direct part <c>dh⊙(1−z)</c> of dh_prev.</summary>
    private ref struct CandidateBackLanes : ILaneKernel<T>
    {
        public Span<T> N, Z, Direct;
        public ReadOnlySpan<T> Prev, DH, DY;

        void ILaneKernel<T>.Vector<TV>(int j)
        {
            var one = TV.One;
            var n = TV.Load(N, j);
            var z = TV.Load(Z, j);
            var dh = TV.Load(DH, j) + TV.Load(DY, j);
            TV.Store(dh * (n - TV.Load(Prev, j)) * z * (one - z), Z, j);
            TV.Store(dh * z * (one - n * n), N, j);
            TV.Store(dh * (one - z), Direct, j);
        }

        public void Scalar(int j)
        {
            T n = N[j], z = Z[j], dh = DH[j] + DY[j];
            (Z[j], N[j], Direct[j]) = (dh * (n - Prev[j]) * z * (T.One - z), dh * z * (T.One - n * n), dh * (T.One - z));
        }
    }

    /// <summary><c>dr = d(rh)⊙h⊙r(1−r)</c> in place; <c>d(rh)⊙r</c> added to dh_prev.</summary>
    private ref struct GatesBackLanes : ILaneKernel<T>
    {
        public Span<T> R, Direct;
        public ReadOnlySpan<T> DRH, Prev;

        void ILaneKernel<T>.Vector<TV>(int j)
        {
            var r = TV.Load(R, j);
            var drh = TV.Load(DRH, j);
            TV.Store(drh * TV.Load(Prev, j) * r * (TV.One - r), R, j);
            TV.Store(TV.Load(Direct, j) + drh * r, Direct, j);
        }

        public void Scalar(int j)
        {
            T r = R[j], drh = DRH[j];
            (R[j], Direct[j]) = (drh * Prev[j] * r * (T.One - r), Direct[j] + drh * r);
        }
    }
}
