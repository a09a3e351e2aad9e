namespace Recurrent.Kernels;

/// <summary>The code paths of <see cref="Int8Gemm"/>, widest first; tests force each one that the processor runs.</summary>
internal enum Int8KernelKind
{
    /// <summary>The widest path the processor runs (the default).</summary>
    Auto,

    /// <summary>AVX-VNNI <c>VPDPBUSD</c> on 256-bit vectors: 32 u8×s8 products summed by fours into 8 int32 lanes per instruction.</summary>
    AvxVnni,

    /// <summary>AVX2 widening fallback: both operands widened to int16, <c>VPMADDWD</c> sums pairs into int32 lanes.</summary>
    Avx2,

    /// <summary>The naive scalar loop, also the fallback without AVX2.</summary>
    Reference,
}
