using System.Numerics;
using System.Runtime.CompilerServices;

namespace Recurrent.Kernels;

/// <summary>
/// The Goto/BLIS GEMM driver: C is computed in NC-column × KC-deep blocks of B packed into NR-wide panels and
/// MC-row blocks of A packed into MR-tall panels, so that the micro-kernel streams A from L2 and B from L1.
/// </summary>
/// <remarks>
/// Reference: Goto and van de Geijn, "Anatomy of high-performance matrix multiplication", ACM TOMS 2008;
/// Van Zee and van de Geijn, "BLIS: a framework for rapidly instantiating BLAS functionality", ACM TOMS 2015.
/// α is folded into the packing of A. Work is split over threads by whole panels along the larger of M and N,
/// each thread packing its own operands, so the threads never wait for each other.
/// </remarks>
/// <typeparam name="T">Element type.</typeparam>
/// <typeparam name="TKernel">The micro-kernel.</typeparam>
internal static unsafe class PackedGemm<T, TKernel>
    where T : unmanaged, IFloatingPointIeee754<T>
    where TKernel : struct, IGemmMicroKernel<T>
{
    /// <summary>Depth of a packed block: a B panel (KC×NR) stays in L1.</summary>
    private const int KC = 256;

    /// <summary>Rows of a packed A block (MC×KC stays in L2).</summary>
    private static readonly int MC = 144 / TKernel.MR * TKernel.MR;

    /// <summary>Columns of a packed B block (KC×NC stays in L3).</summary>
    private static readonly int NC = 4096 / TKernel.NR * TKernel.NR;

    /// <summary>Below this many multiply-adds one thread is faster than waking the others.</summary>
    private const long ParallelThreshold = 48 * 1024;

    [ThreadStatic] private static PackBuffer<T>? _aPack;
    [ThreadStatic] private static PackBuffer<T>? _bPack;
    [ThreadStatic] private static SplitTask? _task;

    public static void Run(ref GemmArgs<T> g)
    {
        if (g.M == 0 || g.N == 0) return;
        long work = (long)g.M * g.N * g.K;
        int threads = work < ParallelThreshold ? 1 : Parallelism.MaxThreads;
        if (threads <= 1)
        {
            Serial(in g);
            return;
        }
        int mPanels = (g.M + TKernel.MR - 1) / TKernel.MR;
        int nPanels = (g.N + TKernel.NR - 1) / TKernel.NR;
        bool splitN = nPanels >= threads || nPanels >= mPanels;
        int panels = splitN ? nPanels : mPanels;
        int pieces = Math.Min(threads, panels);
        if (pieces <= 1)
        {
            Serial(in g);
            return;
        }
        var task = _task ??= new SplitTask();
        task.Args = g;
        task.SplitN = splitN;
        task.Panels = panels;
        task.Pieces = pieces;
        Parallelism.For(pieces, task);
    }

    /// <summary>One thread's share: a contiguous range of whole panels of C.</summary>
    private sealed class SplitTask : IParallelTask
    {
        public GemmArgs<T> Args;
        public bool SplitN;
        public int Panels, Pieces;

        public void Run(int index)
        {
            int first = (int)((long)Panels * index / Pieces);
            int last = (int)((long)Panels * (index + 1) / Pieces);
            GemmArgs<T> g = Args;
            if (SplitN)
            {
                int j0 = first * TKernel.NR;
                int j1 = Math.Min(g.N, last * TKernel.NR);
                g.B = g.TransposeB ? g.B + (long)j0 * g.Ldb : g.B + j0;
                g.C += j0;
                g.N = j1 - j0;
            }
            else
            {
                int i0 = first * TKernel.MR;
                int i1 = Math.Min(g.M, last * TKernel.MR);
                g.A = g.TransposeA ? g.A + i0 : g.A + (long)i0 * g.Lda;
                g.C += (long)i0 * g.Ldc;
                g.M = i1 - i0;
            }
            if (g.M > 0 && g.N > 0) Serial(in g);
        }
    }

    /// <summary>The whole BLIS loop nest on the calling thread.</summary>
    [SkipLocalsInit]
    private static void Serial(in GemmArgs<T> g)
    {
        int mr = TKernel.MR, nr = TKernel.NR;
        bool overwrite = g.Beta == T.Zero;
        if (!overwrite && g.Beta != T.One) ScaleC(in g);
        if (g.K == 0)
        {
            if (overwrite) ClearC(in g);
            return;
        }

        T* aPack = (_aPack ??= new PackBuffer<T>(MC * KC)).Pointer;
        T* bPack = (_bPack ??= new PackBuffer<T>(KC * NC)).Pointer;
        T* edge = stackalloc T[mr * nr];

        for (int jc = 0; jc < g.N; jc += NC)
        {
            int nc = Math.Min(NC, g.N - jc);
            for (int pc = 0; pc < g.K; pc += KC)
            {
                int kc = Math.Min(KC, g.K - pc);
                bool accumulate = pc > 0 || !overwrite;
                PackB(in g, pc, jc, kc, nc, bPack);
                for (int ic = 0; ic < g.M; ic += MC)
                {
                    int mc = Math.Min(MC, g.M - ic);
                    PackA(in g, ic, pc, mc, kc, aPack);
                    for (int jr = 0; jr < nc; jr += nr)
                    {
                        int nTile = Math.Min(nr, nc - jr);
                        T* bPanel = bPack + (long)jr * kc;
                        for (int ir = 0; ir < mc; ir += mr)
                        {
                            int mTile = Math.Min(mr, mc - ir);
                            T* aPanel = aPack + (long)ir * kc;
                            T* cTile = g.C + (long)(ic + ir) * g.Ldc + jc + jr;
                            if (mTile == mr && nTile == nr)
                            {
                                TKernel.Run(kc, aPanel, bPanel, cTile, g.Ldc, accumulate);
                            }
                            else
                            {
                                TKernel.Run(kc, aPanel, bPanel, edge, nr, false);
                                StoreEdge(edge, cTile, g.Ldc, mTile, nTile, accumulate);
                            }
                        }
                    }
                }
            }
        }
    }

    /// <summary>Packs op(A)[i0.., p0..] (mc×kc) into MR-row panels, scaled by α, zero-padded to whole panels.</summary>
    private static void PackA(in GemmArgs<T> g, int i0, int p0, int mc, int kc, T* dst)
    {
        int mr = TKernel.MR;
        T alpha = g.Alpha;
        bool scale = alpha != T.One;
        for (int ir = 0; ir < mc; ir += mr)
        {
            int rows = Math.Min(mr, mc - ir);
            T* panel = dst + (long)ir * kc;
            if (g.TransposeA)
            {
                for (int p = 0; p < kc; p++)
                {
                    T* src = g.APtr(i0 + ir, p0 + p);
                    T* d = panel + p * mr;
                    int r = 0;
                    if (scale) for (; r < rows; r++) d[r] = alpha * src[r];
                    else for (; r < rows; r++) d[r] = src[r];
                    for (; r < mr; r++) d[r] = T.Zero;
                }
            }
            else
            {
                for (int r = 0; r < rows; r++)
                {
                    T* src = g.APtr(i0 + ir + r, p0);
                    T* d = panel + r;
                    if (scale) for (int p = 0; p < kc; p++) d[p * mr] = alpha * src[p];
                    else for (int p = 0; p < kc; p++) d[p * mr] = src[p];
                }
                for (int r = rows; r < mr; r++)
                {
                    for (int p = 0; p < kc; p++) panel[p * mr + r] = T.Zero;
                }
            }
        }
    }

    /// <summary>Packs op(B)[p0.., j0..] (kc×nc) into NR-column panels, zero-padded to whole panels.</summary>
    private static void PackB(in GemmArgs<T> g, int p0, int j0, int kc, int nc, T* dst)
    {
        int nr = TKernel.NR;
        for (int jr = 0; jr < nc; jr += nr)
        {
            int cols = Math.Min(nr, nc - jr);
            T* panel = dst + (long)jr * kc;
            if (g.TransposeB)
            {
                for (int j = 0; j < cols; j++)
                {
                    T* src = g.BPtr(p0, j0 + jr + j);
                    for (int p = 0; p < kc; p++) panel[p * nr + j] = src[p];
                }
                for (int j = cols; j < nr; j++)
                {
                    for (int p = 0; p < kc; p++) panel[p * nr + j] = T.Zero;
                }
            }
            else
            {
                for (int p = 0; p < kc; p++)
                {
                    T* src = g.BPtr(p0 + p, j0 + jr);
                    T* d = panel + p * nr;
                    Unsafe.CopyBlockUnaligned(d, src, (uint)(cols * sizeof(T)));
                    for (int j = cols; j < nr; j++) d[j] = T.Zero;
                }
            }
        }
    }

    private static void StoreEdge(T* tile, T* c, int ldc, int rows, int cols, bool accumulate)
    {
        int nr = TKernel.NR;
        for (int r = 0; r < rows; r++)
        {
            T* cRow = c + (long)r * ldc;
            T* tRow = tile + r * nr;
            if (accumulate) for (int j = 0; j < cols; j++) cRow[j] += tRow[j];
            else for (int j = 0; j < cols; j++) cRow[j] = tRow[j];
        }
    }

    private static void ScaleC(in GemmArgs<T> g)
    {
        for (int i = 0; i < g.M; i++)
        {
            var row = new Span<T>(g.C + (long)i * g.Ldc, g.N);
            for (int j = 0; j < row.Length; j++) row[j] *= g.Beta;
        }
    }

    private static void ClearC(in GemmArgs<T> g)
    {
        for (int i = 0; i < g.M; i++) new Span<T>(g.C + (long)i * g.Ldc, g.N).Clear();
    }
}
