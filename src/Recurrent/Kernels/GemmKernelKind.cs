namespace Recurrent.Kernels;

/// <summary>Which micro-kernel <see cref="Gemm"/> runs: chosen from the processor, or forced by the tests and benchmarks.</summary>
internal enum GemmKernelKind
{
    /// <summary>The fastest kernel this processor supports.</summary>
    Auto,

    /// <summary>The scalar <see cref="PortableMicroKernel{T}"/>, on any processor and element type.</summary>
    Portable,

    /// <summary><see cref="Avx2MicroKernel"/>, 6×16 with AVX2/FMA (float).</summary>
    Avx2,

    /// <summary><see cref="Avx512MicroKernel"/>, 8×32 with AVX-512F (float).</summary>
    Avx512,
}
