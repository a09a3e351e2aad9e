using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace Recurrent.Kernels;

/// <summary>
/// A vector of lanes as the fused gate kernels (<see cref="ILaneKernel{T}"/>) use it: arithmetic, loads and stores at
/// an element index, and the activations. <see cref="Lanes256{T}"/> and <see cref="Lanes512{T}"/> implement it, so each
/// kernel is written once and compiled for both widths.
/// </summary>
/// <remarks>
/// The runtime's own vector types implement no public interface that generic code could constrain on, hence this one.
/// σ and tanh are defined here once, from <see cref="Exp"/> and <see cref="Reciprocal"/>: σ(a) = 1/(1 + e^(−a)) and
/// tanh(a) = 2σ(2a) − 1.
/// </remarks>
/// <typeparam name="TSelf">The implementing vector type.</typeparam>
/// <typeparam name="T">Element type.</typeparam>
internal interface ILaneVector<TSelf, T>
    where TSelf : struct, ILaneVector<TSelf, T>
    where T : unmanaged, IFloatingPointIeee754<T>
{
    /// <summary>Elements per vector.</summary>
    static abstract int Count { get; }

    /// <summary>All lanes 1.</summary>
    static abstract TSelf One { get; }

    /// <summary>Every lane set to <paramref name="value"/>.</summary>
    /// <param name="value">The value.</param>
    /// <returns>The vector.</returns>
    static abstract TSelf Splat(T value);

    /// <summary>The <see cref="Count"/> elements starting at <paramref name="i"/>, unchecked (the caller guarantees they exist).</summary>
    /// <param name="span">Source.</param>
    /// <param name="i">First element.</param>
    /// <returns>The lanes.</returns>
    static abstract TSelf Load(ReadOnlySpan<T> span, int i);

    /// <summary>Stores the lanes at elements <c>[i, i + Count)</c>, unchecked.</summary>
    /// <param name="value">The lanes.</param>
    /// <param name="span">Destination.</param>
    /// <param name="i">First element.</param>
    static abstract void Store(TSelf value, Span<T> span, int i);

    /// <summary>Lane-wise sum.</summary>
    /// <param name="a">Left operand.</param>
    /// <param name="b">Right operand.</param>
    /// <returns>a + b.</returns>
    static abstract TSelf operator +(TSelf a, TSelf b);

    /// <summary>Lane-wise difference.</summary>
    /// <param name="a">Left operand.</param>
    /// <param name="b">Right operand.</param>
    /// <returns>a − b.</returns>
    static abstract TSelf operator -(TSelf a, TSelf b);

    /// <summary>Lane-wise product.</summary>
    /// <param name="a">Left operand.</param>
    /// <param name="b">Right operand.</param>
    /// <returns>a ⊙ b.</returns>
    static abstract TSelf operator *(TSelf a, TSelf b);

    /// <summary>Lane-wise negation.</summary>
    /// <param name="a">Operand.</param>
    /// <returns>−a.</returns>
    static abstract TSelf operator -(TSelf a);

    /// <summary>Bitwise and, to apply a mask from <see cref="Positive"/>.</summary>
    /// <param name="a">Left operand.</param>
    /// <param name="b">Right operand.</param>
    /// <returns>a &amp; b.</returns>
    static abstract TSelf operator &(TSelf a, TSelf b);

    /// <summary><c>a·b + c</c> with one rounding.</summary>
    /// <param name="a">Factor.</param>
    /// <param name="b">Factor.</param>
    /// <param name="c">Addend.</param>
    /// <returns>The fused multiply-add.</returns>
    static abstract TSelf FusedMultiplyAdd(TSelf a, TSelf b, TSelf c);

    /// <summary>Lane-wise minimum, as the processor computes it (for clamping: no NaN or signed-zero fix-ups).</summary>
    /// <param name="a">Left operand.</param>
    /// <param name="b">Right operand.</param>
    /// <returns>min(a, b).</returns>
    static abstract TSelf Min(TSelf a, TSelf b);

    /// <summary>Lane-wise maximum, as the processor computes it (for clamping: no NaN or signed-zero fix-ups).</summary>
    /// <param name="a">Left operand.</param>
    /// <param name="b">Right operand.</param>
    /// <returns>max(a, b).</returns>
    static abstract TSelf Max(TSelf a, TSelf b);

    /// <summary>All-one bits on the lanes where <paramref name="a"/> is positive, zero elsewhere.</summary>
    /// <param name="a">The lanes tested.</param>
    /// <returns>The mask.</returns>
    static abstract TSelf Positive(TSelf a);

    /// <summary>1/d for d ≥ 1, to about 2·10⁻⁷ relative (all the activations divide by 1 + e).</summary>
    /// <param name="d">Divisors.</param>
    /// <returns>Their reciprocals.</returns>
    static abstract TSelf Reciprocal(TSelf d);

    /// <summary>e^x on every lane (<see cref="VectorMath.ExpFloat(Vector256{float})"/> for float).</summary>
    /// <param name="x">Exponents.</param>
    /// <returns>The exponentials.</returns>
    static abstract TSelf Exp(TSelf x);

    /// <summary>σ(a) = 1/(1 + e^(−a)) on every lane.</summary>
    /// <param name="a">Pre-activations.</param>
    /// <returns>Activations in (0, 1).</returns>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    static virtual TSelf Sigmoid(TSelf a) => TSelf.Reciprocal(TSelf.One + TSelf.Exp(-a));

    /// <summary>tanh(a) = 2σ(2a) − 1 on every lane.</summary>
    /// <param name="a">Pre-activations.</param>
    /// <returns>Activations in (−1, 1).</returns>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    static virtual TSelf Tanh(TSelf a)
    {
        var one = TSelf.One;
        return (one + one) * TSelf.Reciprocal(one + TSelf.Exp(-(a + a))) - one;
    }
}
