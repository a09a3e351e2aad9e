using System.Numerics;

namespace Recurrent.Kernels;

/// <summary>
/// The right operand of a matrix product, op(B), kept in the panel layout of <see cref="Gemm"/>'s micro-kernel, so
/// that a product by the same matrix many times packs it once: a recurrent layer multiplies by its recurrent weights
/// at every time step, and the weights change only once per optimiser step.
/// </summary>
/// <remarks>
/// <para>
/// op(B) is K×N (K = <see cref="Depth"/>, N = <see cref="Columns"/>) and is stored as blocks of KC depth steps, each
/// block a row of NR-column panels (NR = the kernel's tile width), zero-padded to whole panels: exactly what the
/// packed driver (Goto and van de Geijn, ACM TOMS 2008) would otherwise build inside every call. Products that read
/// it are bit for bit equal to those that pack B themselves.
/// </para>
/// <para>
/// Examples, with W_hh stored 4H×H as in PyTorch: the forward step <c>gates(B×4H) += h(B×H)·W_hhᵀ</c> uses
/// <c>PackedMatrix&lt;float&gt;.Pack(wHh, k: H, n: 4H, transpose: true)</c>; the backward step
/// <c>dh(B×H) += dgates(B×4H)·W_hh</c> uses <c>Pack(wHh, k: 4H, n: H)</c>. After an optimiser step,
/// <see cref="Repack(ReadOnlySpan{T}, int, int, int, bool)"/> refreshes the copy in place, without allocating.
/// </para>
/// <para>
/// The storage is a pinned managed array (no native memory, nothing to dispose). The layout belongs to the
/// micro-kernel chosen when the matrix was first packed; a matrix is read-only during products, so several threads
/// may multiply by it at once.
/// </para>
/// </remarks>
/// <typeparam name="T">Element type.</typeparam>
internal sealed unsafe class PackedMatrix<T> where T : unmanaged, IFloatingPointIeee754<T>
{
    private PackBuffer<T> _storage;

    private PackedMatrix(PackBuffer<T> storage, GemmKernelKind kernel, int panel)
    {
        _storage = storage;
        Kernel = kernel;
        Panel = panel;
    }

    /// <summary>K: rows of op(B), the depth of the products it takes part in.</summary>
    public int Depth { get; private set; }

    /// <summary>N: columns of op(B) and of the products' C.</summary>
    public int Columns { get; private set; }

    /// <summary>The micro-kernel whose layout the panels follow.</summary>
    internal GemmKernelKind Kernel { get; }

    /// <summary>NR: columns per panel.</summary>
    internal int Panel { get; }

    /// <summary>Columns rounded up to whole panels: the length of one packed depth step of a block.</summary>
    internal int PaddedColumns => (Columns + Panel - 1) / Panel * Panel;

    /// <summary>The first packed element.</summary>
    internal T* Pointer => _storage.Pointer;

    /// <summary>Packs op(B) of a densely stored B.</summary>
    /// <param name="b">B, stored K×N, or N×K when <paramref name="transpose"/>.</param>
    /// <param name="k">Rows of op(B).</param>
    /// <param name="n">Columns of op(B).</param>
    /// <param name="transpose">Whether op(B) = Bᵀ.</param>
    /// <returns>A new packed copy of op(B).</returns>
    public static PackedMatrix<T> Pack(ReadOnlySpan<T> b, int k, int n, bool transpose = false) =>
        Pack(b, transpose ? k : n, k, n, transpose);

    /// <summary>Packs op(B) of a B with an explicit leading dimension (a block of a larger matrix).</summary>
    /// <param name="b">B, stored K×N, or N×K when <paramref name="transpose"/>.</param>
    /// <param name="ldb">Leading dimension of B as stored.</param>
    /// <param name="k">Rows of op(B).</param>
    /// <param name="n">Columns of op(B).</param>
    /// <param name="transpose">Whether op(B) = Bᵀ.</param>
    /// <returns>A new packed copy of op(B).</returns>
    public static PackedMatrix<T> Pack(ReadOnlySpan<T> b, int ldb, int k, int n, bool transpose)
    {
        GemmKernelKind kernel = typeof(T) == typeof(float) ? Gemm.FloatKernel : GemmKernelKind.Portable;
        int panel = kernel switch
        {
            GemmKernelKind.Avx512 => Avx512MicroKernel.NR,
            GemmKernelKind.Avx2 => Avx2MicroKernel.NR,
            _ => PortableMicroKernel<T>.NR,
        };
        var packed = new PackedMatrix<T>(new PackBuffer<T>(Capacity(k, n, panel)), kernel, panel);
        packed.Repack(b, ldb, k, n, transpose);
        return packed;
    }

    /// <summary>
    /// Packs new contents, into the same storage when they fit (always, for the same K and N): the per-step cost of
    /// refreshing weights after an optimiser step is one pass over them and no allocation.
    /// </summary>
    /// <param name="b">B, stored K×N, or N×K when <paramref name="transpose"/>.</param>
    /// <param name="ldb">Leading dimension of B as stored.</param>
    /// <param name="k">Rows of op(B).</param>
    /// <param name="n">Columns of op(B).</param>
    /// <param name="transpose">Whether op(B) = Bᵀ.</param>
    public void Repack(ReadOnlySpan<T> b, int ldb, int k, int n, bool transpose)
    {
        // Validated as the right operand of a product with no rows, which checks B alone.
        var args = GemmArgs<T>.Validate(0, 1, b.Length, ldb, 0, 1, 0, n, k, false, transpose, T.One, T.Zero);
        int needed = Capacity(k, n, Panel);
        if (_storage.Length < needed) _storage = new PackBuffer<T>(needed);
        Depth = k;
        Columns = n;
        if (k == 0 || n == 0) return;
        fixed (T* pb = b)
        {
            args.B = pb;
            int width = PaddedColumns;
            for (int pc = 0; pc < k; pc += GemmBlocking.KC)
            {
                int kc = Math.Min(GemmBlocking.KC, k - pc);
                GemmPacking<T>.PackB(in args, Panel, pc, 0, kc, n, Pointer + (long)pc * width);
            }
        }
    }

    /// <summary>Packs new contents of a densely stored B; see <see cref="Repack(ReadOnlySpan{T}, int, int, int, bool)"/>.</summary>
    /// <param name="b">B, stored K×N, or N×K when <paramref name="transpose"/>.</param>
    /// <param name="k">Rows of op(B).</param>
    /// <param name="n">Columns of op(B).</param>
    /// <param name="transpose">Whether op(B) = Bᵀ.</param>
    public void Repack(ReadOnlySpan<T> b, int k, int n, bool transpose = false) => Repack(b, transpose ? k : n, k, n, transpose);

    private static int Capacity(int k, int n, int panel)
    {
        long padded = (long)(n + panel - 1) / panel * panel;
        long length = padded * k + GemmPacking<T>.Slack;
        if (length > Array.MaxLength - 64) throw new ArgumentException($"op(B) of {k}×{n} is too large to pack.");
        return (int)length;
    }
}
