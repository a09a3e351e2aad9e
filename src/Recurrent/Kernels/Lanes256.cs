using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace Recurrent.Kernels;

/// <summary>
/// 256-bit lanes (AVX2: 8 floats or 4 doubles) for the gate kernels; <see cref="Lanes512{T}"/> is the same at 512
/// bits. Every member tests <c>typeof(T)</c>, which the JIT folds away for each element type.
/// </summary>
/// <param name="value">The lanes.</param>
/// <typeparam name="T">float or double.</typeparam>
internal readonly struct Lanes256<T>(Vector256<T> value) : ILaneVector<Lanes256<T>, T> where T : unmanaged, IFloatingPointIeee754<T>
{
    /// <summary>The lanes.</summary>
    public Vector256<T> Value
    {
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        get => value;
    }

    /// <inheritdoc/>
    public static int Count => Vector256<T>.Count;

    /// <inheritdoc/>
    public static Lanes256<T> One
    {
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        get => new(Vector256<T>.One);
    }

    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Lanes256<T> Splat(T value) => new(Vector256.Create(value));

    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Lanes256<T> Load(ReadOnlySpan<T> span, int i) => new(Vector256.LoadUnsafe(ref MemoryMarshal.GetReference(span), (nuint)i));

    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Store(Lanes256<T> value, Span<T> span, int i) => value.Value.StoreUnsafe(ref MemoryMarshal.GetReference(span), (nuint)i);

    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Lanes256<T> operator +(Lanes256<T> a, Lanes256<T> b) => new(a.Value + b.Value);

    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Lanes256<T> operator -(Lanes256<T> a, Lanes256<T> b) => new(a.Value - b.Value);

    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Lanes256<T> operator *(Lanes256<T> a, Lanes256<T> b) => new(a.Value * b.Value);

    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Lanes256<T> operator -(Lanes256<T> a) => new(-a.Value);

    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Lanes256<T> operator &(Lanes256<T> a, Lanes256<T> b) => new(a.Value & b.Value);

    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Lanes256<T> FusedMultiplyAdd(Lanes256<T> a, Lanes256<T> b, Lanes256<T> c)
    {
        if (typeof(T) == typeof(float)) return new(Vector256.FusedMultiplyAdd(a.Value.AsSingle(), b.Value.AsSingle(), c.Value.AsSingle()).As<float, T>());
        return new(Vector256.FusedMultiplyAdd(a.Value.AsDouble(), b.Value.AsDouble(), c.Value.AsDouble()).As<double, T>());
    }

    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Lanes256<T> Min(Lanes256<T> a, Lanes256<T> b) => new(Vector256.MinNative(a.Value, b.Value));

    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Lanes256<T> Max(Lanes256<T> a, Lanes256<T> b) => new(Vector256.MaxNative(a.Value, b.Value));

    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Lanes256<T> Positive(Lanes256<T> a) => new(Vector256.GreaterThan(a.Value, Vector256<T>.Zero));

    /// <inheritdoc/>
    /// <remarks>For float, the processor's 12-bit estimate refined by one Newton step r(2 − d·r), a third of the cost of a division.</remarks>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Lanes256<T> Reciprocal(Lanes256<T> d)
    {
        if (typeof(T) == typeof(float) && Avx.IsSupported)
        {
            var df = d.Value.AsSingle();
            var r = Avx.Reciprocal(df); // an infinite d gives r = 0, which stays 0
            return new((r * Vector256.FusedMultiplyAdd(-df, r, Vector256.Create(2f))).As<float, T>());
        }
        return new(Vector256<T>.One / d.Value);
    }

    /// <inheritdoc/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Lanes256<T> Exp(Lanes256<T> x) => typeof(T) == typeof(float)
        ? new(VectorMath.ExpFloat(x.Value.AsSingle()).As<float, T>())
        : new(Vector256.Exp(x.Value.AsDouble()).As<double, T>());
}
