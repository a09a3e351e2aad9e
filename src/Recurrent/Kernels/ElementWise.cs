using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace Recurrent.Kernels;

/// <summary>
/// The one driver for fused element-wise operations that <see cref="TensorPrimitives"/> does not offer (backward
/// passes such as <c>dx += dy ⊙ y ⊙ (1 − y)</c>): it runs an operator's vector form over whole vectors and its scalar
/// form over the remainder, so no operator writes its own tail loop.
/// </summary>
/// <remarks>
/// Inputs are read-only spans, the destination is last, and the destination may be one of the inputs (each element
/// is read before it is written). Standard operations (add, multiply, sigmoid, tanh, exp, softmax, sums) go through
/// <see cref="TensorPrimitives"/> directly.
/// </remarks>
internal static class ElementWise
{
    /// <summary><c>destination[i] = TOp(x[i])</c>.</summary>
    /// <typeparam name="T">Element type.</typeparam>
    /// <typeparam name="TOp">The operator.</typeparam>
    /// <param name="x">Input.</param>
    /// <param name="destination">Output, same length as the input.</param>
    public static void Map<T, TOp>(ReadOnlySpan<T> x, Span<T> destination) where TOp : IUnaryOperator<T>
    {
        int n = CheckLength(x.Length, destination.Length);
        ref T px = ref MemoryMarshal.GetReference(x);
        ref T pd = ref MemoryMarshal.GetReference(destination);
        int i = 0;
        if (Vector256.IsHardwareAccelerated && Vector256<T>.IsSupported)
        {
            int width = Vector256<T>.Count;
            for (; i <= n - width; i += width)
            {
                Vector256.StoreUnsafe(TOp.Invoke(Vector256.LoadUnsafe(ref px, (nuint)i)), ref pd, (nuint)i);
            }
        }
        for (; i < n; i++) Unsafe.Add(ref pd, i) = TOp.Invoke(Unsafe.Add(ref px, i));
    }

    /// <summary><c>destination[i] = TOp(x[i], y[i])</c>.</summary>
    /// <typeparam name="T">Element type.</typeparam>
    /// <typeparam name="TOp">The operator.</typeparam>
    /// <param name="x">First input.</param>
    /// <param name="y">Second input.</param>
    /// <param name="destination">Output, same length as the inputs.</param>
    public static void Map<T, TOp>(ReadOnlySpan<T> x, ReadOnlySpan<T> y, Span<T> destination) where TOp : IBinaryOperator<T>
    {
        int n = CheckLength(x.Length, destination.Length);
        CheckLength(y.Length, n);
        ref T px = ref MemoryMarshal.GetReference(x);
        ref T py = ref MemoryMarshal.GetReference(y);
        ref T pd = ref MemoryMarshal.GetReference(destination);
        int i = 0;
        if (Vector256.IsHardwareAccelerated && Vector256<T>.IsSupported)
        {
            int width = Vector256<T>.Count;
            for (; i <= n - width; i += width)
            {
                var r = TOp.Invoke(Vector256.LoadUnsafe(ref px, (nuint)i), Vector256.LoadUnsafe(ref py, (nuint)i));
                Vector256.StoreUnsafe(r, ref pd, (nuint)i);
            }
        }
        for (; i < n; i++) Unsafe.Add(ref pd, i) = TOp.Invoke(Unsafe.Add(ref px, i), Unsafe.Add(ref py, i));
    }

    /// <summary><c>destination[i] = TOp(x[i], y[i], z[i])</c>.</summary>
    /// <typeparam name="T">Element type.</typeparam>
    /// <typeparam name="TOp">The operator.</typeparam>
    /// <param name="x">First input.</param>
    /// <param name="y">Second input.</param>
    /// <param name="z">Third input.</param>
    /// <param name="destination">Output, same length as the inputs.</param>
    public static void Map<T, TOp>(ReadOnlySpan<T> x, ReadOnlySpan<T> y, ReadOnlySpan<T> z, Span<T> destination) where TOp : ITernaryOperator<T>
    {
        int n = CheckLength(x.Length, destination.Length);
        CheckLength(y.Length, n);
        CheckLength(z.Length, n);
        ref T px = ref MemoryMarshal.GetReference(x);
        ref T py = ref MemoryMarshal.GetReference(y);
        ref T pz = ref MemoryMarshal.GetReference(z);
        ref T pd = ref MemoryMarshal.GetReference(destination);
        int i = 0;
        if (Vector256.IsHardwareAccelerated && Vector256<T>.IsSupported)
        {
            int width = Vector256<T>.Count;
            for (; i <= n - width; i += width)
            {
                var r = TOp.Invoke(Vector256.LoadUnsafe(ref px, (nuint)i), Vector256.LoadUnsafe(ref py, (nuint)i), Vector256.LoadUnsafe(ref pz, (nuint)i));
                Vector256.StoreUnsafe(r, ref pd, (nuint)i);
            }
        }
        for (; i < n; i++) Unsafe.Add(ref pd, i) = TOp.Invoke(Unsafe.Add(ref px, i), Unsafe.Add(ref py, i), Unsafe.Add(ref pz, i));
    }

    /// <summary>
    /// Runs a multi-span fused kernel over <paramref name="length"/> elements: <see cref="ILaneKernel{T}.Vector{TV}"/> on
    /// whole 512-bit vectors where the processor accelerates them, then on whole 256-bit vectors, and
    /// <see cref="ILaneKernel{T}.Scalar"/> on the rest.
    /// </summary>
    /// <typeparam name="T">Element type, which sets the vector width.</typeparam>
    /// <typeparam name="TKernel">The kernel.</typeparam>
    /// <param name="kernel">The kernel, holding its spans.</param>
    /// <param name="length">Number of elements.</param>
    public static void Run<T, TKernel>(ref TKernel kernel, int length)
        where T : unmanaged, IFloatingPointIeee754<T>
        where TKernel : ILaneKernel<T>, allows ref struct
    {
        int i = 0;
        if (Vector512.IsHardwareAccelerated && Vector512<T>.IsSupported)
        {
            int width = Vector512<T>.Count;
            for (; i <= length - width; i += width) kernel.Vector<Lanes512<T>>(i);
        }
        if (Vector256.IsHardwareAccelerated && Vector256<T>.IsSupported)
        {
            int width = Vector256<T>.Count;
            for (; i <= length - width; i += width) kernel.Vector<Lanes256<T>>(i);
        }
        for (; i < length; i++) kernel.Scalar(i);
    }

    private static int CheckLength(int input, int destination)
    {
        if (input != destination)
        {
            throw new ArgumentException($"Element-wise operands must have equal lengths; got {input} and {destination}.", nameof(destination));
        }
        return destination;
    }
}
