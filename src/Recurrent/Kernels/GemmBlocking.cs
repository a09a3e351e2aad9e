namespace Recurrent.Kernels;

/// <summary>Cache-blocking sizes that several GEMM paths must agree on.</summary>
internal static class GemmBlocking
{
    /// <summary>
    /// Depth of a packed block: a kernel sums KC depth steps in registers, then adds them to C. Every path uses the
    /// same KC (the driver, the one-row path, pre-packed B), so every path rounds alike.
    /// </summary>
    public const int KC = 128;
}
