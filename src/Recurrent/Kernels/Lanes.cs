using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace Recurrent.Kernels;

/// <summary>
/// Unchecked vector loads and stores at an element index, for <see cref="ILaneKernel"/> implementations: the driver
/// (<see cref="ElementWise.Run{T, TKernel}"/>) guarantees that a whole vector fits from that index on.
/// </summary>
public static class Lanes
{
    /// <summary>The vector of elements starting at <paramref name="i"/>.</summary>
    /// <typeparam name="T">Element type.</typeparam>
    /// <param name="span">Source.</param>
    /// <param name="i">First element.</param>
    /// <returns>The loaded lanes.</returns>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<T> Load<T>(ReadOnlySpan<T> span, int i) =>
        Vector256.LoadUnsafe(ref MemoryMarshal.GetReference(span), (nuint)i);

    /// <summary>Stores <paramref name="value"/> at elements <c>[i, i + Count)</c>.</summary>
    /// <typeparam name="T">Element type.</typeparam>
    /// <param name="value">The lanes.</param>
    /// <param name="span">Destination.</param>
    /// <param name="i">First element.</param>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Store<T>(Vector256<T> value, Span<T> span, int i) =>
        value.StoreUnsafe(ref MemoryMarshal.GetReference(span), (nuint)i);
}
