using System.Numerics;

namespace Recurrent.Kernels;

/// <summary>The scalar chores around a GEMM's kernels: partial tiles at the edges of C, and β ∉ {0, 1}.</summary>
internal static unsafe class GemmEdges<T> where T : unmanaged, IFloatingPointIeee754<T>
{
    /// <summary>Writes (or adds) the top-left rows×cols of a full tile computed into scratch.</summary>
    public static void StoreEdge(T* tile, int tileLd, T* c, int ldc, int rows, int cols, bool accumulate)
    {
        for (int r = 0; r < rows; r++)
        {
            T* cRow = c + (long)r * ldc;
            T* tRow = tile + (long)r * tileLd;
            if (accumulate) for (int j = 0; j < cols; j++) cRow[j] += tRow[j];
            else for (int j = 0; j < cols; j++) cRow[j] = tRow[j];
        }
    }

    /// <summary>C = β·C, so that the product can then be added.</summary>
    public static void ScaleC(in GemmArgs<T> g)
    {
        for (int i = 0; i < g.M; i++)
        {
            var row = new Span<T>(g.C + (long)i * g.Ldc, g.N);
            for (int j = 0; j < row.Length; j++) row[j] *= g.Beta;
        }
    }

    /// <summary>C = 0 (a product of depth zero with β = 0).</summary>
    public static void ClearC(in GemmArgs<T> g)
    {
        for (int i = 0; i < g.M; i++) new Span<T>(g.C + (long)i * g.Ldc, g.N).Clear();
    }
}
