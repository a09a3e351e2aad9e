using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace Recurrent.Kernels;

/// <summary>
/// The activations of the fused cell kernels on one vector of lanes and on one scalar, for float and double.
/// σ(a) = 1/(1 + e^(−a)) and tanh(a) = 2σ(2a) − 1, both from one exponential; their absolute error is a few units in
/// the last place of 1, well inside the 1e-5 the oracle tests demand.
/// </summary>
/// <remarks>
/// The float exponential is <see cref="ExpFloat"/>, a Cody–Waite range reduction and a degree-6 polynomial (relative
/// error about 2·10⁻⁷), several times faster than the correctly rounded <see cref="Vector256.Exp(Vector256{float})"/>:
/// a cell's gate arithmetic is dominated by its exponentials. Double keeps the library's exponential.
/// </remarks>
public static class VectorMath
{
    /// <summary>σ(a) on every lane.</summary>
    /// <typeparam name="T">float or double.</typeparam>
    /// <param name="a">Pre-activations.</param>
    /// <returns>Activations in (0, 1).</returns>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<T> Sigmoid<T>(Vector256<T> a) where T : IFloatingPointIeee754<T> =>
        Reciprocal(Vector256<T>.One + Exp(-a));

    /// <summary>tanh(a) on every lane.</summary>
    /// <typeparam name="T">float or double.</typeparam>
    /// <param name="a">Pre-activations.</param>
    /// <returns>Activations in (−1, 1).</returns>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<T> Tanh<T>(Vector256<T> a) where T : IFloatingPointIeee754<T>
    {
        var two = Vector256.Create(T.One + T.One);
        return two * Reciprocal(Vector256<T>.One + Exp(-(a + a))) - Vector256<T>.One;
    }

    /// <summary>σ(a).</summary>
    /// <typeparam name="T">float or double.</typeparam>
    /// <param name="a">Pre-activation.</param>
    /// <returns>Activation.</returns>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static T Sigmoid<T>(T a) where T : IFloatingPointIeee754<T> => T.One / (T.One + T.Exp(-a));

    /// <summary>tanh(a), computed as the vector form does.</summary>
    /// <typeparam name="T">float or double.</typeparam>
    /// <param name="a">Pre-activation.</param>
    /// <returns>Activation.</returns>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static T Tanh<T>(T a) where T : IFloatingPointIeee754<T> => (T.One + T.One) / (T.One + T.Exp(-(a + a))) - T.One;

    /// <summary>
    /// e^x on 8 float lanes: x = n·ln 2 + r with n = round(x/ln 2) and |r| ≤ ln 2 / 2 (ln 2 split in two parts so that r is
    /// exact), e^r by its Taylor polynomial to degree 6, and 2ⁿ built in the exponent bits. Inputs are clamped to
    /// [−87.3, 88.3], where n ∈ [−126, 127] and 2ⁿ is a normal float (so 1 + eˣ stays finite).
    /// </summary>
    /// <remarks>
    /// n is rounded by adding 1.5·2²³ in the same fused multiply-add that scales x: the sum's low mantissa bits are then
    /// n itself, so one integer add moves it to the exponent field. This takes 3 instructions where round, convert and
    /// the saturation fix-ups of <see cref="Vector256.ConvertToInt32(Vector256{float})"/> take 7, and the exponential
    /// is most of a gate pass.
    /// </remarks>
    /// <param name="x">Exponents.</param>
    /// <returns>e^x on every lane, relative error about 2·10⁻⁷.</returns>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<float> ExpFloat(Vector256<float> x)
    {
        const float roundingShift = 12582912f; // 1.5·2²³: adding it rounds any |v| < 2²² to an integer in the low bits
        x = Vector256.Min(Vector256.Max(x, Vector256.Create(-87.3f)), Vector256.Create(88.3f));
        var shifted = Vector256.FusedMultiplyAdd(x, Vector256.Create(1.44269504f), Vector256.Create(roundingShift));
        var n = shifted - Vector256.Create(roundingShift);
        var r = Vector256.FusedMultiplyAdd(n, Vector256.Create(-0.693145752f), x); // ln 2, high bits: n·C1 is exact
        r = Vector256.FusedMultiplyAdd(n, Vector256.Create(-1.42860677e-6f), r);   // ln 2, low bits
        var p = Vector256.Create(1.0f / 720);
        p = Vector256.FusedMultiplyAdd(p, r, Vector256.Create(1.0f / 120));
        p = Vector256.FusedMultiplyAdd(p, r, Vector256.Create(1.0f / 24));
        p = Vector256.FusedMultiplyAdd(p, r, Vector256.Create(1.0f / 6));
        p = Vector256.FusedMultiplyAdd(p, r, Vector256.Create(0.5f));
        p = Vector256.FusedMultiplyAdd(p, r, Vector256<float>.One);
        p = Vector256.FusedMultiplyAdd(p, r, Vector256<float>.One);
        // The bits of `shifted` are those of 1.5·2²³ plus n; rebias them to n + 127 and move it to the exponent.
        int rebias = 127 - BitConverter.SingleToInt32Bits(roundingShift);
        var scale = Vector256.ShiftLeft(shifted.AsInt32() + Vector256.Create(rebias), 23).AsSingle();
        return p * scale;
    }

    /// <summary>
    /// 1/d for d ≥ 1 (all the activations divide by 1 + e): for float, the processor's 12-bit reciprocal refined by one
    /// Newton step, r(2 − d·r), to about 2·10⁻⁷ relative, a third of the cost of a division; otherwise a division.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector256<T> Reciprocal<T>(Vector256<T> d) where T : IFloatingPointIeee754<T>
    {
        if (typeof(T) == typeof(float) && Avx.IsSupported)
        {
            var df = d.AsSingle();
            var r = Avx.Reciprocal(df);
            // An infinite d gives r = 0 and stays 0; a finite d ≥ 1 has a finite, normal reciprocal.
            return (r * Vector256.FusedMultiplyAdd(-df, r, Vector256.Create(2f))).As<float, T>();
        }
        return Vector256<T>.One / d;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector256<T> Exp<T>(Vector256<T> x) where T : IFloatingPointIeee754<T>
    {
        if (typeof(T) == typeof(float)) return ExpFloat(x.AsSingle()).As<float, T>();
        if (typeof(T) == typeof(double)) return Vector256.Exp(x.AsDouble()).As<double, T>();
        throw new NotSupportedException($"VectorMath supports float and double, not {typeof(T).Name}.");
    }
}
