namespace Recurrent.Kernels;

/// <summary>
/// The register-tiled inner kernel of <see cref="PackedGemm{T, TKernel}"/>: one MR×NR block of C from a packed
/// MR-row panel of A and a packed NR-column panel of B.
/// </summary>
/// <typeparam name="T">Element type.</typeparam>
internal unsafe interface IGemmMicroKernel<T> where T : unmanaged
{
    /// <summary>Rows of the C block (and of an A panel).</summary>
    static abstract int MR { get; }

    /// <summary>Columns of the C block (and of a B panel).</summary>
    static abstract int NR { get; }

    /// <summary>
    /// <c>C[0..MR, 0..NR] = (accumulate ? C : 0) + Σₚ a[p·MR + i]·b[p·NR + j]</c> over <c>p &lt; kc</c>.
    /// </summary>
    /// <param name="kc">Depth of the panels.</param>
    /// <param name="a">Packed A panel, kc×MR, column of MR values per p.</param>
    /// <param name="b">Packed B panel, kc×NR, row of NR values per p.</param>
    /// <param name="c">Top-left element of the C block.</param>
    /// <param name="ldc">Leading dimension of C.</param>
    /// <param name="accumulate">Whether to add to C rather than overwrite it.</param>
    static abstract void Run(int kc, T* a, T* b, T* c, int ldc, bool accumulate);

    /// <summary>
    /// <see cref="Run"/> on a B panel read where it is stored (row p at <c>b + p·ldb</c>, NR values), which it also
    /// copies to <paramref name="panel"/> in packed form for the tiles that follow: packing fused with the first use.
    /// </summary>
    /// <param name="kc">Depth of the panels.</param>
    /// <param name="a">Packed A panel, kc×MR.</param>
    /// <param name="b">First stored row of the B panel.</param>
    /// <param name="ldb">Leading dimension of B.</param>
    /// <param name="panel">Where the packed B panel (kc×NR) is written.</param>
    /// <param name="c">Top-left element of the C block.</param>
    /// <param name="ldc">Leading dimension of C.</param>
    /// <param name="accumulate">Whether to add to C rather than overwrite it.</param>
    static abstract void RunPacking(int kc, T* a, T* b, int ldb, T* panel, T* c, int ldc, bool accumulate);
}
