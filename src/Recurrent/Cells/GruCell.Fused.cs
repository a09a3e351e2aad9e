using System.Numerics;
using System.Runtime.Intrinsics;
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
    private const int GatesMode = 0, GatesBackMode = 1, CandidateMode = 2, CandidateBackMode = 3;
    private T[] _g = [];      // (T, B, 3H): pre-activations, then r, z, h̃, then their gradients
    private T[] _rh = [];     // (T, B, H) training, (1, B, H) inference: r ⊙ h
    private T[] _drh = [];    // (B, H)
    private T[] _bias = [];   // (3H)
    private PackedMatrix<T>? _wrzT, _wnT, _wrz, _wn; // forward W_{h,rz}ᵀ and W_hnᵀ; backward W_{h,rz} and W_hn

    public override bool HasCellState => false;

    protected override void ForwardCore(scoped ref FusedForwardArgs<T> args)
    {
        int h = Hidden, g3 = 3 * h, bh = Batch * h, tb = Steps * Batch;
        Ensure(ref _g, tb * g3);
        Ensure(ref _rh, (Training ? Steps : 1) * bh);
        Ensure(ref _bias, g3);
        Ensure(ref _drh, bh);
        var bias = _bias.AsSpan(0, g3);
        TensorPrimitives.Add(cell.BiasIH.Value.Span, cell.BiasHH.Value.Span, bias);
        var g = _g.AsSpan(0, tb * g3);
        Gemm.Multiply<T>(X.AsSpan(0, tb * Input), cell.WeightIH.Value.Span, g, tb, g3, Input, transposeB: true);
        ReadOnlySpan<T> whh = cell.WeightHH.Value.Span;
        ReadOnlySpan<T> wrz = whh[..(2 * h * h)], wn = whh.Slice(2 * h * h, h * h);
        var packedRz = Pack(ref _wrzT, wrz, h, h, 2 * h, transpose: true);
        var packedN = Pack(ref _wnT, wn, h, h, h, transpose: true);
        for (int s = 0; s < Steps; s++)
        {
            var gs = g.Slice(s * Batch * g3, Batch * g3);
            StepProduct(Hs.AsSpan(s * bh, bh), h, packedRz, wrz, h, true, gs, g3, Batch, 2 * h, h, accumulate: true);
            ForRows(GatesMode, s);
            StepProduct(_rh.AsSpan((Training ? s : 0) * bh, bh), h, packedN, wn, h, true, gs[(2 * h)..], g3, Batch, h, h, accumulate: true);
            ForRows(CandidateMode, s);
        }
    }

    protected override void BackwardCore(scoped ref FusedBackwardArgs<T> args)
    {
        int h = Hidden, g3 = 3 * h, bh = Batch * h, tb = Steps * Batch;
        var dG = _g.AsSpan(0, tb * g3);
        ReadOnlySpan<T> whh = cell.WeightHH.Value.Span;
        ReadOnlySpan<T> wrz = whh[..(2 * h * h)], wn = whh.Slice(2 * h * h, h * h);
        var packedRz = Pack(ref _wrz, wrz, h, 2 * h, h, transpose: false);
        var packedN = Pack(ref _wn, wn, h, h, h, transpose: false);
        for (int s = Steps - 1; s >= 0; s--)
        {
            var gs = dG.Slice(s * Batch * g3, Batch * g3);
            ForRows(CandidateBackMode, s);
            StepProduct(gs[(2 * h)..], g3, packedN, wn, h, false, _drh.AsSpan(0, bh), h, Batch, h, h, accumulate: false);
            ForRows(GatesBackMode, s);
            StepProduct(gs, g3, packedRz, wrz, h, false, DHNext.AsSpan(0, bh), h, Batch, h, 2 * h, accumulate: true);
            (DH, DHNext) = (DHNext, DH);
        }
        var x = X.AsSpan(0, tb * Input);
        if (cell.WeightIH.RequiresGrad) Gemm.Multiply<T>(dG, x, cell.WeightIH.GradForAccumulation().Span, g3, Input, tb, transposeA: true, accumulate: true);
        if (cell.WeightHH.RequiresGrad)
        {
            var dW = cell.WeightHH.GradForAccumulation().Span;
            Multiply(dG, g3, Hs.AsSpan(0, tb * h), h, dW, h, 2 * h, h, tb, true, false, accumulate: true);
            Multiply(dG[(2 * h)..], g3, _rh.AsSpan(0, tb * h), h, dW[(2 * h * h)..], h, h, h, tb, true, false, accumulate: true);
        }
        if (cell.BiasIH.RequiresGrad) AddColumnSums(dG, tb, g3, g3, cell.BiasIH.GradForAccumulation().Span);
        if (cell.BiasHH.RequiresGrad) AddColumnSums(dG, tb, g3, g3, cell.BiasHH.GradForAccumulation().Span);
        if (!args.DX.IsEmpty) Gemm.Multiply<T>(dG, cell.WeightIH.Value.Span, DXBuffer.AsSpan(0, tb * Input), tb, Input, g3);
    }

    protected override void Rows(int mode, int s, int r0, int r1)
    {
        int h = Hidden, g3 = 3 * h, bh = Batch * h;
        for (int b = r0; b < r1; b++)
        {
            var g = _g.AsSpan((s * Batch + b) * g3, g3);
            var rh = _rh.AsSpan((Training ? s : 0) * bh + b * h, h);
            var prev = Hs.AsSpan(s * bh + b * h, h);
            var next = Hs.AsSpan((s + 1) * bh + b * h, h);
            bool valid = Valid(s, b);
            switch (mode)
            {
                case GatesMode:
                {
                    var lanes = new GatesLanes { R = g[..h], Z = g.Slice(h, h), RH = rh, Prev = prev, BR = _bias.AsSpan(0, h), BZ = _bias.AsSpan(h, h) };
                    ElementWise.Run<T, GatesLanes>(ref lanes, h);
                    break;
                }
                case CandidateMode:
                {
                    if (!valid)
                    {
                        prev.CopyTo(next);
                        break;
                    }
                    var lanes = new CandidateLanes { N = g.Slice(2 * h, h), Z = g.Slice(h, h), Prev = prev, Next = next, BN = _bias.AsSpan(2 * h, h) };
                    ElementWise.Run<T, CandidateLanes>(ref lanes, h);
                    break;
                }
                case CandidateBackMode:
                {
                    var direct = DHNext.AsSpan(b * h, h);
                    if (!valid)
                    {
                        g.Clear();
                        DH.AsSpan(b * h, h).CopyTo(direct);
                        break;
                    }
                    var lanes = new CandidateBackLanes
                    {
                        N = g.Slice(2 * h, h), Z = g.Slice(h, h), Direct = direct, Prev = prev,
                        DH = DH.AsSpan(b * h, h), DY = DY.AsSpan((s * Batch + b) * h, h),
                    };
                    ElementWise.Run<T, CandidateBackLanes>(ref lanes, h);
                    break;
                }
                default:
                {
                    if (!valid) break;
                    var lanes = new GatesBackLanes { R = g[..h], Direct = DHNext.AsSpan(b * h, h), DRH = _drh.AsSpan(b * h, h), Prev = prev };
                    ElementWise.Run<T, GatesBackLanes>(ref lanes, h);
                    break;
                }
            }
        }
    }

    /// <summary><c>r, z = σ(·)</c> in place; <c>rh = r⊙h</c>.</summary>
    private ref struct GatesLanes : ILaneKernel
    {
        public Span<T> R, Z, RH;
        public ReadOnlySpan<T> Prev, BR, BZ;

        public void Vector(int j)
        {
            var r = VectorMath.Sigmoid(Lanes.Load<T>(R, j) + Lanes.Load(BR, j));
            Lanes.Store(r, R, j);
            Lanes.Store(VectorMath.Sigmoid(Lanes.Load<T>(Z, j) + Lanes.Load(BZ, j)), Z, j);
            Lanes.Store(r * Lanes.Load(Prev, j), RH, j);
        }

        public void Scalar(int j)
        {
            T r = VectorMath.Sigmoid(R[j] + BR[j]);
            (R[j], Z[j], RH[j]) = (r, VectorMath.Sigmoid(Z[j] + BZ[j]), r * Prev[j]);
        }
    }

    /// <summary><c>h̃ = tanh(·)</c> in place; <c>h' = h + z⊙(h̃ − h)</c>.</summary>
    private ref struct CandidateLanes : ILaneKernel
    {
        public Span<T> N, Next;
        public ReadOnlySpan<T> Z, Prev, BN;

        public void Vector(int j)
        {
            var n = VectorMath.Tanh(Lanes.Load<T>(N, j) + Lanes.Load(BN, j));
            var h = Lanes.Load(Prev, j);
            Lanes.Store(n, N, j);
            Lanes.Store(h + Lanes.Load(Z, j) * (n - h), Next, j);
        }

        public void Scalar(int j)
        {
            T n = VectorMath.Tanh(N[j] + BN[j]);
            (N[j], Next[j]) = (n, Prev[j] + Z[j] * (n - Prev[j]));
        }
    }

    /// <summary><c>dz</c>, <c>dn</c> in place; the direct part <c>dh⊙(1−z)</c> of dh_prev.</summary>
    private ref struct CandidateBackLanes : ILaneKernel
    {
        public Span<T> N, Z, Direct;
        public ReadOnlySpan<T> Prev, DH, DY;

        public void Vector(int j)
        {
            var one = Vector256<T>.One;
            var n = Lanes.Load<T>(N, j);
            var z = Lanes.Load<T>(Z, j);
            var dh = Lanes.Load(DH, j) + Lanes.Load(DY, j);
            Lanes.Store(dh * (n - Lanes.Load(Prev, j)) * z * (one - z), Z, j);
            Lanes.Store(dh * z * (one - n * n), N, j);
            Lanes.Store(dh * (one - z), Direct, j);
        }

        public void Scalar(int j)
        {
            T n = N[j], z = Z[j], dh = DH[j] + DY[j];
            (Z[j], N[j], Direct[j]) = (dh * (n - Prev[j]) * z * (T.One - z), dh * z * (T.One - n * n), dh * (T.One - z));
        }
    }

    /// <summary><c>dr = d(rh)⊙h⊙r(1−r)</c> in place; <c>d(rh)⊙r</c> added to dh_prev.</summary>
    private ref struct GatesBackLanes : ILaneKernel
    {
        public Span<T> R, Direct;
        public ReadOnlySpan<T> DRH, Prev;

        public void Vector(int j)
        {
            var r = Lanes.Load<T>(R, j);
            var drh = Lanes.Load(DRH, j);
            Lanes.Store(drh * Lanes.Load(Prev, j) * r * (Vector256<T>.One - r), R, j);
            Lanes.Store(Lanes.Load<T>(Direct, j) + drh * r, Direct, j);
        }

        public void Scalar(int j)
        {
            T r = R[j], drh = DRH[j];
            (R[j], Direct[j]) = (drh * Prev[j] * r * (T.One - r), Direct[j] + drh * r);
        }
    }
}
