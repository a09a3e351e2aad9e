namespace Recurrent.Kernels;

/// <summary>Cache-blocking sizes that several GEMM paths must agree on.</summary>
internal static class GemmBlocking
{
    /// <summary>
    /// Depth of a packed block: a kernel sums KC depth steps in registers, then adds them to C. Every path uses the
    /// same KC (the driver, the one-row path, pre-packed B), so every path rounds alike.
    /// </summary>
    /// <remarks>
    /// Measured on Zen 4 (2 threads, 2048³): KC = 128 gave 151 GFLOP/s, 256 gave 176, 512 gave 206, 768 and 1024
    /// no more. A KC×NR panel of B then lives in L2 rather than L1, which the 8×32 kernel does not mind (it needs
    /// 8 bytes of B per cycle); what pays is touching C half as often. At 64×2048×512, 256 was 3% faster than 512.
    /// </remarks>
    public const int KC = 512;
}
