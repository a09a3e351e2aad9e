using System.Runtime.CompilerServices;

namespace Recurrent.Kernels;

/// <summary>
/// A pinned, 64-byte-aligned scratch array that a thread keeps for packing GEMM operands: allocated once per
/// thread and size, never moved by the GC, so kernels address it through a plain pointer.
/// </summary>
internal sealed unsafe class PackBuffer<T> where T : unmanaged
{
    private const int Alignment = 64;
    private readonly T[] _array;

    public PackBuffer(int length)
    {
        _array = GC.AllocateUninitializedArray<T>(length + Alignment / sizeof(T), pinned: true);
        nint start = (nint)Unsafe.AsPointer(ref _array[0]);
        nint aligned = (start + Alignment - 1) & ~(nint)(Alignment - 1);
        Pointer = (T*)aligned;
        Length = length;
    }

    /// <summary>The first aligned element.</summary>
    public T* Pointer { get; }

    /// <summary>Usable elements from <see cref="Pointer"/>.</summary>
    public int Length { get; }
}
