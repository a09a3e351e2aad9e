using System.Numerics;
using System.Runtime.CompilerServices;
using Recurrent.Tensors;

namespace Recurrent.Kernels;

/// <summary>
/// The Goto/BLIS GEMM driver: C is computed in NC-column × KC-deep blocks of B packed into NR-wide panels and
/// MC-row blocks of A packed into MR-tall panels, so that the micro-kernel streams A and B from L2 while its tile of
/// C stays in registers for KC depth steps.
/// </summary>
/// <remarks>
/// <para>
/// Reference: Goto and van de Geijn, "Anatomy of high-performance matrix multiplication", ACM TOMS 2008;
/// Van Zee and van de Geijn, "BLIS: a framework for rapidly instantiating BLAS functionality", ACM TOMS 2015.
/// </para>
/// <para>
/// α is folded into the packing of A. When op(A) fits one MC block (a recurrent layer's batch), each packed B
/// element would be read exactly once, so B is not packed as a block: each NR-wide panel is packed just before its
/// column of tiles into a small buffer, which saves a trip of all of B through L2 (Gemm.Packed.Narrow.cs). A
/// pre-packed B (<see cref="PackedMatrix{T}"/>) is read in place.
/// </para>
/// <para>
/// A taller product is split over threads by whole panels along N (or M, when N has fewer panels than threads),
/// each thread packing its own operands, so the threads never wait for each other. Every element of C is summed in
/// depth order, in the same KC blocks, whatever the split, so results do not depend on the number of threads.
/// </para>
/// </remarks>
/// <typeparam name="T">Element type.</typeparam>
/// <typeparam name="TKernel">The micro-kernel.</typeparam>
internal static unsafe partial class PackedGemm<T, TKernel>
    where T : unmanaged, IFloatingPointIeee754<T>
    where TKernel : struct, IGemmMicroKernel<T>
{
    /// <summary>Depth of a packed block (see <see cref="GemmBlocking.KC"/>).</summary>
    private const int KC = GemmBlocking.KC;

    /// <summary>Rows of a packed A block (MC×KC stays in L2; 96 to 512 measured within 3% at 2048³).</summary>
    private static readonly int MC = 144 / TKernel.MR * TKernel.MR;

    /// <summary>Columns of a packed B block (KC×NC stays in L3).</summary>
    private static readonly int NC = 2048 / TKernel.NR * TKernel.NR;

    /// <summary>
    /// Below this many multiply-adds one thread is faster than waking the others (measured: 8×64×64 = 32K takes
    /// 0.9 µs on one thread, 1.1 µs on two; 8×128×64 = 64K takes 1.8 µs on one, 1.5 µs on two).
    /// </summary>
    private const long ParallelThreshold = 48 * 1024;

    [ThreadStatic] private static PackBuffer<T>? _aPack;
    [ThreadStatic] private static PackBuffer<T>? _bPack;
    [ThreadStatic] private static PackBuffer<T>? _bPanel;
    [ThreadStatic] private static SplitTask? _task;

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Run(ref GemmArgs<T> g)
    {
        if (g.M == 0 || g.N == 0) return;
        if (g.K == 0)
        {
            if (g.Beta == T.Zero) GemmEdges<T>.ClearC(in g);
            else if (g.Beta != T.One) GemmEdges<T>.ScaleC(in g);
            return;
        }
        long work = (long)g.M * g.N * g.K;
        int threads = work < ParallelThreshold ? 1 : Threads.Current;
        if (g.M <= MC)
        {
            RunNarrow(in g, threads);
            return;
        }
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

        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        public void Run(int index)
        {
            int first = (int)((long)Panels * index / Pieces);
            int last = (int)((long)Panels * (index + 1) / Pieces);
            GemmArgs<T> g = Args;
            if (SplitN)
            {
                int j0 = first * TKernel.NR;
                int j1 = Math.Min(g.N, last * TKernel.NR);
                if (g.PackedB != null) g.PackedColumn += j0;
                else g.B = g.TransposeB ? g.B + (long)j0 * g.Ldb : g.B + j0;
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

    /// <summary>The whole BLIS loop nest on the calling thread, for op(A) taller than one MC block.</summary>
    [SkipLocalsInit]
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Serial(in GemmArgs<T> g)
    {
        int mr = TKernel.MR, nr = TKernel.NR;
        bool overwrite = g.Beta == T.Zero;
        if (!overwrite && g.Beta != T.One) GemmEdges<T>.ScaleC(in g);
        bool prepacked = g.PackedB != null;
        T* aPack = (_aPack ??= new PackBuffer<T>(MC * KC + GemmPacking<T>.Slack)).Pointer;
        T* bPack = prepacked ? null : (_bPack ??= new PackBuffer<T>(KC * NC + GemmPacking<T>.Slack)).Pointer;
        T* edge = stackalloc T[mr * nr];

        for (int jc = 0; jc < g.N; jc += NC)
        {
            int nc = Math.Min(NC, g.N - jc);
            for (int pc = 0; pc < g.K; pc += KC)
            {
                int kc = Math.Min(KC, g.K - pc);
                bool accumulate = pc > 0 || !overwrite;
                if (!prepacked) GemmPacking<T>.PackB(in g, nr, pc, jc, kc, nc, bPack);
                for (int ic = 0; ic < g.M; ic += MC)
                {
                    int mc = Math.Min(MC, g.M - ic);
                    GemmPacking<T>.PackA(in g, mr, ic, pc, mc, kc, aPack);
                    for (int jr = 0; jr < nc; jr += nr)
                    {
                        int nTile = Math.Min(nr, nc - jr);
                        T* bPanel = prepacked
                            ? g.PackedB + (long)pc * g.PackedWidth + (long)(g.PackedColumn + jc + jr) * kc
                            : bPack + (long)jr * kc;
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
                                GemmEdges<T>.StoreEdge(edge, nr, cTile, g.Ldc, mTile, nTile, accumulate);
                            }
                        }
                    }
                }
            }
        }
    }
}
