using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace Recurrent.Kernels;

/// <summary>
/// The activations of the fused cell kernels on one scalar, and the float exponential behind the vector ones
/// (<see cref="ILaneVector{TSelf, T}.Sigmoid"/>, <see cref="ILaneVector{TSelf, T}.Tanh"/>). σ(a) = 1/(1 + e^(−a)) and
/// tanh(a) = 2σ(2a) − 1, both from one exponential; their absolute error is a few units in the last place of 1, well
/// inside the 1e-5 the oracle tests demand.
/// </summary>
/// <remarks>
/// The float exponential is <see cref="ExpFloat(Vector256{float})"/>, a Cody–Waite range reduction and a degree-6 polynomial (relative
/// error about 2·10⁻⁷), several times faster than the correctly rounded library exponential: a cell's gate arithmetic
/// is dominated by its exponentials. Double keeps the library's exponential.
/// </remarks>
internal static class VectorMath
{
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
    /// the saturation fix-ups of a float-to-integer conversion take 7, and the exponential is most of a gate pass.
    /// The 256- and 512-bit forms are the same steps; they are written out for each width, not over
    /// <see cref="ILaneVector{TSelf, T}"/>, because a gate pass inlines five of them and the JIT stops inlining a
    /// method that has grown past its budget of inlined calls.
    /// </remarks>
    /// <param name="x">Exponents.</param>
    /// <returns>e^x on every lane, relative error about 2·10⁻⁷.</returns>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<float> ExpFloat(Vector256<float> x)
    {
        x = Vector256.MinNative(Vector256.MaxNative(x, Vector256.Create(MinExponent)), Vector256.Create(MaxExponent));
        var shifted = Vector256.FusedMultiplyAdd(x, Vector256.Create(Log2E), Vector256.Create(RoundingShift));
        var n = shifted - Vector256.Create(RoundingShift);
        var r = Vector256.FusedMultiplyAdd(n, Vector256.Create(-Ln2High), x);
        r = Vector256.FusedMultiplyAdd(n, Vector256.Create(-Ln2Low), r);
        var p = Vector256.Create(1.0f / 720);
        p = Vector256.FusedMultiplyAdd(p, r, Vector256.Create(1.0f / 120));
        p = Vector256.FusedMultiplyAdd(p, r, Vector256.Create(1.0f / 24));
        p = Vector256.FusedMultiplyAdd(p, r, Vector256.Create(1.0f / 6));
        p = Vector256.FusedMultiplyAdd(p, r, Vector256.Create(0.5f));
        p = Vector256.FusedMultiplyAdd(p, r, Vector256<float>.One);
        p = Vector256.FusedMultiplyAdd(p, r, Vector256<float>.One);
        return p * Vector256.ShiftLeft(shifted.AsInt32() + Vector256.Create(ExponentRebias), 23).AsSingle();
    }

    /// <summary>e^x on 16 float lanes, as <see cref="ExpFloat(Vector256{float})"/> does on 8.</summary>
    /// <param name="x">Exponents.</param>
    /// <returns>e^x on every lane, relative error about 2·10⁻⁷.</returns>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<float> ExpFloat(Vector512<float> x)
    {
        x = Vector512.MinNative(Vector512.MaxNative(x, Vector512.Create(MinExponent)), Vector512.Create(MaxExponent));
        var shifted = Vector512.FusedMultiplyAdd(x, Vector512.Create(Log2E), Vector512.Create(RoundingShift));
        var n = shifted - Vector512.Create(RoundingShift);
        var r = Vector512.FusedMultiplyAdd(n, Vector512.Create(-Ln2High), x);
        r = Vector512.FusedMultiplyAdd(n, Vector512.Create(-Ln2Low), r);
        var p = Vector512.Create(1.0f / 720);
        p = Vector512.FusedMultiplyAdd(p, r, Vector512.Create(1.0f / 120));
        p = Vector512.FusedMultiplyAdd(p, r, Vector512.Create(1.0f / 24));
        p = Vector512.FusedMultiplyAdd(p, r, Vector512.Create(1.0f / 6));
        p = Vector512.FusedMultiplyAdd(p, r, Vector512.Create(0.5f));
        p = Vector512.FusedMultiplyAdd(p, r, Vector512<float>.One);
        p = Vector512.FusedMultiplyAdd(p, r, Vector512<float>.One);
        return p * Vector512.ShiftLeft(shifted.AsInt32() + Vector512.Create(ExponentRebias), 23).AsSingle();
    }

    /// <summary>The clamp of the float exponential's input: e^x is a normal float and 1 + e^x finite in between.</summary>
    private const float MinExponent = -87.3f, MaxExponent = 88.3f;

    /// <summary>1/ln 2.</summary>
    private const float Log2E = 1.44269504f;

    /// <summary>ln 2 in two parts: n·<see cref="Ln2High"/> is exact for |n| ≤ 127, so r = x − n·ln 2 loses nothing.</summary>
    private const float Ln2High = 0.693145752f, Ln2Low = 1.42860677e-6f;

    /// <summary>1.5·2²³: adding it to any |v| &lt; 2²² rounds v to an integer held in the low mantissa bits.</summary>
    private const float RoundingShift = 12582912f;

    /// <summary>What turns the bits of <c>n + 1.5·2²³</c> into the biased exponent n + 127: 127 minus the bits of 1.5·2²³.</summary>
    private const int ExponentRebias = 127 - 0x4B40_0000;
}
