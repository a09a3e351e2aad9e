using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace Recurrent.Kernels;

/// <summary>
/// 512-bit lanes (AVX-512: 16 floats or 8 doubles) for the gate kernels; <see cref="Lanes256{T}"/> is the same at 256
/// bits. Every member tests <c>typeof(T)</c>, which the JIT folds away for each element type.
/// </summary>
/// <param name="value">The lanes.</param>
/// <typeparam name="T">float or double.</typeparam>
internal readonly struct Lanes512<T>(Vector512<T> value) : ILaneVector<Lanes512<T>, T> where T : unmanaged, IFloatingPointIeee754<T>
{
    /// <summary>The lanes.</summary>
    public Vector512<T> Value
    {
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        get => value;
    }

    /// <inheritdoc/>
    public static int Count => Vector512<T>.Count;

    /// <inheritdoc/>
    public static Lanes512<T> One
    {
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        get => new(Vector512<T>.One);
    }

    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Lanes512<T> Splat(T value) => new(Vector512.Create(value));

    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Lanes512<T> Load(ReadOnlySpan<T> span, int i) => new(Vector512.LoadUnsafe(ref MemoryMarshal.GetReference(span), (nuint)i));

    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Store(Lanes512<T> value, Span<T> span, int i) => value.Value.StoreUnsafe(ref MemoryMarshal.GetReference(span), (nuint)i);

    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Lanes512<T> operator +(Lanes512<T> a, Lanes512<T> b) => new(a.Value + b.Value);

    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Lanes512<T> operator -(Lanes512<T> a, Lanes512<T> b) => new(a.Value - b.Value);

    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Lanes512<T> operator *(Lanes512<T> a, Lanes512<T> b) => new(a.Value * b.Value);

    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Lanes512<T> operator -(Lanes512<T> a) => new(-a.Value);

    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Lanes512<T> operator &(Lanes512<T> a, Lanes512<T> b) => new(a.Value & b.Value);

    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Lanes512<T> FusedMultiplyAdd(Lanes512<T> a, Lanes512<T> b, Lanes512<T> c)
    {
        if (typeof(T) == typeof(float)) return new(Vector512.FusedMultiplyAdd(a.Value.AsSingle(), b.Value.AsSingle(), c.Value.AsSingle()).As<float, T>());
        return new(Vector512.FusedMultiplyAdd(a.Value.AsDouble(), b.Value.AsDouble(), c.Value.AsDouble()).As<double, T>());
    }

    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Lanes512<T> Min(Lanes512<T> a, Lanes512<T> b) => new(Vector512.MinNative(a.Value, b.Value));

    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Lanes512<T> Max(Lanes512<T> a, Lanes512<T> b) => new(Vector512.MaxNative(a.Value, b.Value));

    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Lanes512<T> Positive(Lanes512<T> a) => new(Vector512.GreaterThan(a.Value, Vector512<T>.Zero));

    /// <inheritdoc/>
    /// <remarks>For float, the processor's 14-bit estimate refined by one Newton step r(2 − d·r), a third of the cost of a division.</remarks>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Lanes512<T> Reciprocal(Lanes512<T> d)
    {
        if (typeof(T) == typeof(float) && Avx512F.IsSupported)
        {
            var df = d.Value.AsSingle();
            var r = Avx512F.Reciprocal14(df); // an infinite d gives r = 0, which stays 0
            return new((r * Vector512.FusedMultiplyAdd(-df, r, Vector512.Create(2f))).As<float, T>());
        }
        return new(Vector512<T>.One / d.Value);
    }

    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Lanes512<T> Exp(Lanes512<T> x) => typeof(T) == typeof(float)
        ? new(VectorMath.ExpFloat(x.Value.AsSingle()).As<float, T>())
        : new(Vector512.Exp(x.Value.AsDouble()).As<double, T>());
}
