using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;
using Recurrent.Tensors;

namespace Recurrent.Kernels;

/// <summary>
/// The float product of a single row, <c>c = α·a·op(B) + β·c</c> (M = 1): a matrix-vector product, which a
/// recurrent network computes at every step when its batch is one sequence.
/// </summary>
/// <remarks>
/// <para>
/// With one row there is nothing to reuse: every element of B is read once, so packing it (as
/// <see cref="PackedGemm{T, TKernel}"/> does) would double the memory traffic, and an 8-row tile would do eight
/// times the work. The row is instead streamed against B as it is stored, 64 columns (eight 8-lane accumulators)
/// at a time, and the columns are split over the threads in whole blocks of 64.
/// </para>
/// <para>
/// When op(B) = B, or B is pre-packed, each element is summed in depth order, in the same KC blocks as the packed
/// driver, so the result is bit for bit the first row of the matrix product. When op(B) = Bᵀ each c[j] is a dot
/// product of two contiguous rows, summed in eight interleaved partial sums that are then added pairwise: another
/// order, but the same for every thread count.
/// </para>
/// <para><see cref="GemmReference"/> is the definition this is tested against.</para>
/// </remarks>
internal static unsafe class Gemv
{
    /// <summary>
    /// Below this many multiply-adds one thread is faster than waking the others (measured: 1×128×128 gains
    /// nothing from a second thread; 1×256×256 goes from 3.5 to 2.1 µs).
    /// </summary>
    private const long ParallelThreshold = 32 * 1024;

    /// <summary>Columns per block: eight 8-lane accumulators.</summary>
    private const int Block = 64;

    [ThreadStatic] private static PackBuffer<float>? _row;
    [ThreadStatic] private static SplitTask? _task;

    /// <summary>Computes a validated product with M = 1; <paramref name="kc"/> is the packed driver's depth block.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Run(ref GemmArgs<float> g, int kc)
    {
        bool overwrite = g.Beta == 0f;
        if (!overwrite && g.Beta != 1f) GemmEdges<float>.ScaleC(in g);
        if (g.K == 0)
        {
            if (overwrite) GemmEdges<float>.ClearC(in g);
            return;
        }

        // The row as one contiguous vector with α folded in, as the packed driver folds α into packed A.
        float* a = g.A;
        int stride = g.TransposeA ? g.Lda : 1;
        if (stride != 1 || g.Alpha != 1f)
        {
            var buffer = _row is { } r && r.Length >= g.K ? r : _row = new PackBuffer<float>(Math.Max(g.K, 256));
            a = buffer.Pointer;
            for (int p = 0; p < g.K; p++) a[p] = g.Alpha * g.A[(long)p * stride];
        }

        int blocks = (g.N + Block - 1) / Block;
        long work = (long)g.N * g.K;
        int pieces = work < ParallelThreshold ? 1 : Math.Min(Threads.Current, blocks);
        if (pieces <= 1)
        {
            Columns(in g, a, 0, g.N, kc, overwrite);
            return;
        }
        var task = _task ??= new SplitTask();
        task.Args = g;
        task.Row = a;
        task.Kc = kc;
        task.Overwrite = overwrite;
        task.Blocks = blocks;
        task.Pieces = pieces;
        Parallelism.For(pieces, task);
    }

    /// <summary>One thread's share: a contiguous range of whole 64-column blocks.</summary>
    private sealed class SplitTask : IParallelTask
    {
        public GemmArgs<float> Args;
        public float* Row;
        public int Kc, Blocks, Pieces;
        public bool Overwrite;

        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        public void Run(int index)
        {
            int j0 = (int)((long)Blocks * index / Pieces) * Block;
            int j1 = Math.Min(Args.N, (int)((long)Blocks * (index + 1) / Pieces) * Block);
            if (j1 > j0) Columns(in Args, Row, j0, j1, Kc, Overwrite);
        }
    }

    /// <summary>Columns [j0, j1) of the product.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Columns(in GemmArgs<float> g, float* a, int j0, int j1, int kc, bool overwrite)
    {
        if (g.PackedB != null)
        {
            PackedColumns(in g, a, j0, j1, kc, overwrite);
        }
        else if (g.TransposeB)
        {
            DotColumns(g.B, g.Ldb, a, g.C, j0, j1, g.K, overwrite);
        }
        else
        {
            for (int pc = 0; pc < g.K; pc += kc)
            {
                int depth = Math.Min(kc, g.K - pc);
                bool first = pc == 0 && overwrite;
                StridedColumns(g.B + (long)pc * g.Ldb, g.Ldb, a + pc, g.C, j0, j1, depth, first);
            }
        }
    }

    /// <summary>c[j0..j1) (+)= Σₚ a[p]·b[p·ldb + j] over one depth block, each c[j] summed in depth order.</summary>
    private static void StridedColumns(float* b, int ldb, float* a, float* c, int j0, int j1, int depth, bool overwrite)
    {
        int j = j0;
        for (; j + Block <= j1; j += Block)
        {
            Vector256<float> s0 = default, s1 = default, s2 = default, s3 = default;
            Vector256<float> s4 = default, s5 = default, s6 = default, s7 = default;
            float* row = b + j;
            for (int p = 0; p < depth; p++, row += ldb)
            {
                var ap = Vector256.Create(a[p]);
                s0 = Fma.MultiplyAdd(ap, Vector256.Load(row), s0);
                s1 = Fma.MultiplyAdd(ap, Vector256.Load(row + 8), s1);
                s2 = Fma.MultiplyAdd(ap, Vector256.Load(row + 16), s2);
                s3 = Fma.MultiplyAdd(ap, Vector256.Load(row + 24), s3);
                s4 = Fma.MultiplyAdd(ap, Vector256.Load(row + 32), s4);
                s5 = Fma.MultiplyAdd(ap, Vector256.Load(row + 40), s5);
                s6 = Fma.MultiplyAdd(ap, Vector256.Load(row + 48), s6);
                s7 = Fma.MultiplyAdd(ap, Vector256.Load(row + 56), s7);
            }
            Store8(c + j, s0, s1, s2, s3, s4, s5, s6, s7, overwrite);
        }
        for (; j + 8 <= j1; j += 8)
        {
            Vector256<float> s = default;
            float* row = b + j;
            for (int p = 0; p < depth; p++, row += ldb) s = Fma.MultiplyAdd(Vector256.Create(a[p]), Vector256.Load(row), s);
            Store(c + j, s, overwrite);
        }
        for (; j < j1; j++)
        {
            float s = 0;
            for (int p = 0; p < depth; p++) s = MathF.FusedMultiplyAdd(a[p], b[(long)p * ldb + j], s);
            c[j] = overwrite ? s : s + c[j];
        }
    }

    /// <summary>The same sums as <see cref="StridedColumns"/>, reading a pre-packed op(B) (panels of <c>PackedPanel</c> columns).</summary>
    private static void PackedColumns(in GemmArgs<float> g, float* a, int j0, int j1, int kc, bool overwrite)
    {
        int nr = g.PackedPanel;
        for (int pc = 0; pc < g.K; pc += kc)
        {
            int depth = Math.Min(kc, g.K - pc);
            bool first = pc == 0 && overwrite;
            float* block = g.PackedB + (long)pc * g.PackedWidth;
            float* ap = a + pc;
            int j = j0;
            for (; j + Block <= j1; j += Block)
            {
                // Packed panels are whole, zero-padded, and a multiple of 8 wide, so an 8-column chunk never straddles two.
                float* q0 = Chunk(block, g.PackedColumn + j, nr, depth), q1 = Chunk(block, g.PackedColumn + j + 8, nr, depth);
                float* q2 = Chunk(block, g.PackedColumn + j + 16, nr, depth), q3 = Chunk(block, g.PackedColumn + j + 24, nr, depth);
                float* q4 = Chunk(block, g.PackedColumn + j + 32, nr, depth), q5 = Chunk(block, g.PackedColumn + j + 40, nr, depth);
                float* q6 = Chunk(block, g.PackedColumn + j + 48, nr, depth), q7 = Chunk(block, g.PackedColumn + j + 56, nr, depth);
                Vector256<float> s0 = default, s1 = default, s2 = default, s3 = default;
                Vector256<float> s4 = default, s5 = default, s6 = default, s7 = default;
                for (int p = 0; p < depth; p++)
                {
                    var x = Vector256.Create(ap[p]);
                    long o = (long)p * nr;
                    s0 = Fma.MultiplyAdd(x, Vector256.Load(q0 + o), s0);
                    s1 = Fma.MultiplyAdd(x, Vector256.Load(q1 + o), s1);
                    s2 = Fma.MultiplyAdd(x, Vector256.Load(q2 + o), s2);
                    s3 = Fma.MultiplyAdd(x, Vector256.Load(q3 + o), s3);
                    s4 = Fma.MultiplyAdd(x, Vector256.Load(q4 + o), s4);
                    s5 = Fma.MultiplyAdd(x, Vector256.Load(q5 + o), s5);
                    s6 = Fma.MultiplyAdd(x, Vector256.Load(q6 + o), s6);
                    s7 = Fma.MultiplyAdd(x, Vector256.Load(q7 + o), s7);
                }
                Store8(g.C + j, s0, s1, s2, s3, s4, s5, s6, s7, first);
            }
            for (; j < j1; j += 8)
            {
                float* q = Chunk(block, g.PackedColumn + j, nr, depth);
                Vector256<float> s = default;
                for (int p = 0; p < depth; p++, q += nr) s = Fma.MultiplyAdd(Vector256.Create(ap[p]), Vector256.Load(q), s);
                if (j + 8 <= j1)
                {
                    Store(g.C + j, s, first);
                }
                else
                {
                    for (int t = 0; t < j1 - j; t++) g.C[j + t] = first ? s[t] : s[t] + g.C[j + t];
                }
            }
        }
    }

    /// <summary>Where packed column <paramref name="col"/> (a multiple of 8) starts in a block of the given depth.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static float* Chunk(float* block, int col, int nr, int depth) => block + (long)(col / nr * nr) * depth + col % nr;

    /// <summary>c[j] (+)= Σₚ a[p]·b[j·ldb + p] for j in [j0, j1): dot products of a with rows of B.</summary>
    [SkipLocalsInit]
    private static void DotColumns(float* b, int ldb, float* a, float* c, int j0, int j1, int k, bool overwrite)
    {
        int k8 = k & ~7;
        float* tail = stackalloc float[8];
        int j = j0;
        for (; j + 8 <= j1; j += 8)
        {
            float* r0 = b + (long)j * ldb;
            Vector256<float> s0 = default, s1 = default, s2 = default, s3 = default;
            Vector256<float> s4 = default, s5 = default, s6 = default, s7 = default;
            for (int p = 0; p < k8; p += 8)
            {
                var ap = Vector256.Load(a + p);
                float* r = r0 + p;
                s0 = Fma.MultiplyAdd(ap, Vector256.Load(r), s0);
                s1 = Fma.MultiplyAdd(ap, Vector256.Load(r + ldb), s1);
                s2 = Fma.MultiplyAdd(ap, Vector256.Load(r + 2L * ldb), s2);
                s3 = Fma.MultiplyAdd(ap, Vector256.Load(r + 3L * ldb), s3);
                s4 = Fma.MultiplyAdd(ap, Vector256.Load(r + 4L * ldb), s4);
                s5 = Fma.MultiplyAdd(ap, Vector256.Load(r + 5L * ldb), s5);
                s6 = Fma.MultiplyAdd(ap, Vector256.Load(r + 6L * ldb), s6);
                s7 = Fma.MultiplyAdd(ap, Vector256.Load(r + 7L * ldb), s7);
            }
            // Eight vectors of partial sums -> one vector of eight totals: pairwise within 128-bit lanes, then across.
            var h01 = Avx.HorizontalAdd(s0, s1);
            var h23 = Avx.HorizontalAdd(s2, s3);
            var h45 = Avx.HorizontalAdd(s4, s5);
            var h67 = Avx.HorizontalAdd(s6, s7);
            var h0123 = Avx.HorizontalAdd(h01, h23);
            var h4567 = Avx.HorizontalAdd(h45, h67);
            var sums = Avx.Permute2x128(h0123, h4567, 0x20) + Avx.Permute2x128(h0123, h4567, 0x31);
            if (k8 < k)
            {
                // Rare: a depth not a multiple of 8 (none of the shapes a recurrent layer uses).
                for (int r = 0; r < 8; r++)
                {
                    float t = 0;
                    for (int p = k8; p < k; p++) t = MathF.FusedMultiplyAdd(a[p], r0[(long)r * ldb + p], t);
                    tail[r] = t;
                }
                sums += Vector256.Load(tail);
            }
            Store(c + j, sums, overwrite);
        }
        for (; j < j1; j++)
        {
            float* r = b + (long)j * ldb;
            Vector256<float> s = default;
            for (int p = 0; p < k8; p += 8) s = Fma.MultiplyAdd(Vector256.Load(a + p), Vector256.Load(r + p), s);
            float t = Vector256.Sum(s);
            for (int p = k8; p < k; p++) t = MathF.FusedMultiplyAdd(a[p], r[p], t);
            c[j] = overwrite ? t : t + c[j];
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Store(float* c, Vector256<float> s, bool overwrite)
    {
        (overwrite ? s : s + Vector256.Load(c)).Store(c);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Store8(float* c, Vector256<float> s0, Vector256<float> s1, Vector256<float> s2, Vector256<float> s3,
        Vector256<float> s4, Vector256<float> s5, Vector256<float> s6, Vector256<float> s7, bool overwrite)
    {
        Store(c, s0, overwrite);
        Store(c + 8, s1, overwrite);
        Store(c + 16, s2, overwrite);
        Store(c + 24, s3, overwrite);
        Store(c + 32, s4, overwrite);
        Store(c + 40, s5, overwrite);
        Store(c + 48, s6, overwrite);
        Store(c + 56, s7, overwrite);
    }
}
