using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;
using Recurrent.Kernels;

namespace Recurrent.Tests.Kernels;

/// <summary>
/// Skips a test of an instruction-set-specific kernel, with the reason, where the processor (or the runtime, e.g.
/// <c>DOTNET_EnableAVX512=0</c>, <c>DOTNET_EnableAVX2=0</c>) lacks that instruction set: such a test would otherwise pass
/// without testing anything.
/// </summary>
internal static class InstructionSets
{
    /// <summary>Forces the GEMM micro-kernel <paramref name="kernel"/> on this thread, or skips the test.</summary>
    public static void UseGemmKernel(string kernel)
    {
        var kind = Enum.Parse<GemmKernelKind>(kernel);
        SkipUnless(kind);
        Gemm.ForcedKernel = kind;
    }

    /// <summary>Skips the test unless this processor can run the GEMM micro-kernel <paramref name="kind"/>.</summary>
    public static void SkipUnless(GemmKernelKind kind)
    {
        if (kind == GemmKernelKind.Avx512) Skip.IfNot(Avx512F.IsSupported, "AVX-512F is not supported by this processor (or is disabled in the runtime).");
        if (kind is GemmKernelKind.Avx512 or GemmKernelKind.Avx2)
        {
            Skip.IfNot(Avx2.IsSupported && Fma.IsSupported, $"AVX2 and FMA, which the {kind} GEMM kernel needs, are not supported by this processor (or are disabled in the runtime).");
        }
        Skip.IfNot(Gemm.IsSupported(kind), $"This processor cannot run the {kind} GEMM kernel.");
    }

    /// <summary>
    /// Skips the test unless vectors of <paramref name="width"/> bits are hardware accelerated: elsewhere the
    /// element-wise kernels never run <see cref="Lanes512{T}"/> (or <see cref="Lanes256{T}"/>), and the runtime emulates them.
    /// </summary>
    public static void SkipUnlessLanes(int width)
    {
        bool accelerated = width switch
        {
            512 => Vector512.IsHardwareAccelerated,
            256 => Vector256.IsHardwareAccelerated,
            _ => throw new ArgumentOutOfRangeException(nameof(width), width, "Lane widths are 256 and 512 bits."),
        };
        string needs = width == 512 ? "AVX-512F" : "AVX2";
        Skip.IfNot(accelerated, $"{width}-bit vectors are not hardware accelerated on this processor ({needs} missing or disabled in the runtime), so the kernels do not use Lanes{width}.");
    }
}
