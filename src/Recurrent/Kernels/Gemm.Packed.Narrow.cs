using System.Runtime.CompilerServices;

namespace Recurrent.Kernels;

/// <summary>
/// The driver's path for products whose op(A) fits one MC block, such as a recurrent layer's batch of 32 or 64 rows
/// against a weight matrix: each thread packs all of A once, and the columns of C are dealt out in chunks of panels.
/// </summary>
/// <remarks>
/// <para>
/// Each thread starts on its own contiguous share of the chunks and, when done, takes chunks that another thread
/// has not reached yet. On a quiet machine every thread finishes its share, so a thread keeps working on the same
/// columns of B call after call (they stay in its cache); when one core is slowed (another process, a noisy
/// neighbour of the virtual machine), the other takes over part of its share instead of waiting for it.
/// </para>
/// <para>
/// A chunk is computed by one thread for all depth blocks in order, so every element of C is still summed in the
/// same order whoever computes it.
/// </para>
/// </remarks>
internal static unsafe partial class PackedGemm<T, TKernel>
{
    /// <summary>Chunks per thread: enough to even out a slowed core, few enough that claiming them costs nothing.</summary>
    private const int ChunksPerThread = 8;

    /// <summary>Distance in ints between two threads' claim counters: one cache line each.</summary>
    private const int ClaimStride = 16;

    [ThreadStatic] private static PackBuffer<T>? _aWhole;
    [ThreadStatic] private static NarrowTask? _narrowTask;

    /// <summary>Computes a product with M ≤ MC over up to <paramref name="threads"/> threads.</summary>
    private static void RunNarrow(in GemmArgs<T> g, int threads)
    {
        int nPanels = (g.N + TKernel.NR - 1) / TKernel.NR;
        int chunkPanels = Math.Max(1, nPanels / (threads * ChunksPerThread));
        int chunks = (nPanels + chunkPanels - 1) / chunkPanels;
        int roles = Math.Min(threads, chunks);
        if (roles <= 1)
        {
            NarrowShare(in g, 0, 1, chunks, chunkPanels, null);
            return;
        }
        var task = _narrowTask ??= new NarrowTask();
        task.Args = g;
        task.Roles = roles;
        task.Chunks = chunks;
        task.ChunkPanels = chunkPanels;
        if (task.Claims.Length < roles * ClaimStride) task.Claims = new int[roles * ClaimStride];
        for (int r = 0; r < roles; r++) task.Claims[r * ClaimStride] = 0;
        Parallelism.For(roles, task);
    }

    private sealed class NarrowTask : IParallelTask
    {
        public GemmArgs<T> Args;
        public int Roles, Chunks, ChunkPanels;
        public int[] Claims = [];

        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        public void Run(int index) => NarrowShare(in Args, index, Roles, Chunks, ChunkPanels, Claims);
    }

    /// <summary>
    /// The work of thread <paramref name="role"/> of <paramref name="roles"/>: its own chunks, then any left in the
    /// others' shares. Without <paramref name="claims"/> (one thread) it simply does every chunk.
    /// </summary>
    [SkipLocalsInit]
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void NarrowShare(in GemmArgs<T> g, int role, int roles, int chunks, int chunkPanels, int[]? claims)
    {
        int mr = TKernel.MR, nr = TKernel.NR;
        int mPadded = (g.M + mr - 1) / mr * mr;
        long aLength = (long)mPadded * g.K + GemmPacking<T>.Slack;
        if (_aWhole is not { } whole || whole.Length < aLength) _aWhole = whole = new PackBuffer<T>(checked((int)aLength));
        T* a = whole.Pointer;
        for (int pc = 0; pc < g.K; pc += KC)
        {
            GemmPacking<T>.PackA(in g, mr, 0, pc, g.M, Math.Min(KC, g.K - pc), a + (long)pc * mPadded);
        }
        T* bPanelBuffer = g.PackedB == null ? (_bPanel ??= new PackBuffer<T>(KC * nr + GemmPacking<T>.Slack)).Pointer : null;
        T* edge = stackalloc T[mr * nr];

        for (int v = 0; v < roles; v++)
        {
            int owner = (role + v) % roles;
            int first = (int)((long)chunks * owner / roles), end = (int)((long)chunks * (owner + 1) / roles);
            for (int next = first; ; next++)
            {
                int chunk = claims == null ? next : first + Interlocked.Increment(ref claims[owner * ClaimStride]) - 1;
                if (chunk >= end) break;
                int j0 = chunk * chunkPanels * nr;
                Chunk(in g, a, mPadded, j0, Math.Min(g.N, j0 + chunkPanels * nr), bPanelBuffer, edge);
            }
        }
    }

    /// <summary>Columns [j0, j1) of C, every depth block in order.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Chunk(in GemmArgs<T> g, T* a, int mPadded, int j0, int j1, T* bPanelBuffer, T* edge)
    {
        int mr = TKernel.MR, nr = TKernel.NR;
        bool overwrite = g.Beta == T.Zero;
        if (!overwrite && g.Beta != T.One)
        {
            GemmArgs<T> part = g;
            part.C += j0;
            part.N = j1 - j0;
            GemmEdges<T>.ScaleC(in part);
        }
        for (int jr = j0; jr < j1; jr += nr)
        {
            int nTile = Math.Min(nr, j1 - jr);
            for (int pc = 0; pc < g.K; pc += KC)
            {
                int kc = Math.Min(KC, g.K - pc);
                bool accumulate = pc > 0 || !overwrite;
                // B as stored (not transposed, a whole panel wide) is packed by the first tile's kernel as it reads it.
                bool fuse = g.PackedB == null && !g.TransposeB && nTile == nr;
                T* bPanel;
                if (g.PackedB != null)
                {
                    bPanel = g.PackedB + (long)pc * g.PackedWidth + (long)(g.PackedColumn + jr) * kc;
                }
                else
                {
                    if (!fuse) GemmPacking<T>.PackB(in g, nr, pc, jr, kc, nTile, bPanelBuffer);
                    bPanel = bPanelBuffer;
                }
                T* aBlock = a + (long)pc * mPadded;
                for (int ir = 0; ir < g.M; ir += mr)
                {
                    int mTile = Math.Min(mr, g.M - ir);
                    bool whole = mTile == mr && nTile == nr;
                    T* target = whole ? g.C + (long)ir * g.Ldc + jr : edge;
                    int ld = whole ? g.Ldc : nr;
                    if (fuse && ir == 0)
                    {
                        TKernel.RunPacking(kc, aBlock, g.BPtr(pc, jr), g.Ldb, bPanel, target, ld, whole && accumulate);
                    }
                    else
                    {
                        TKernel.Run(kc, aBlock + (long)ir * kc, bPanel, target, ld, whole && accumulate);
                    }
                    if (!whole) GemmEdges<T>.StoreEdge(edge, nr, g.C + (long)ir * g.Ldc + jr, g.Ldc, mTile, nTile, accumulate);
                }
            }
        }
    }
}
