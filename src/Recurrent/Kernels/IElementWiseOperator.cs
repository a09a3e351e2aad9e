using System.Runtime.Intrinsics;

namespace Recurrent.Kernels;

/// <summary>A one-input element-wise operation, in scalar and vector form, for <see cref="ElementWise"/>.</summary>
/// <typeparam name="T">Element type.</typeparam>
internal interface IUnaryOperator<T>
{
    /// <summary>The operation on one element.</summary>
    /// <param name="x">Input.</param>
    /// <returns>Result.</returns>
    static abstract T Invoke(T x);

    /// <summary>The same operation on a vector of elements.</summary>
    /// <param name="x">Input lanes.</param>
    /// <returns>Result lanes.</returns>
    static abstract Vector256<T> Invoke(Vector256<T> x);
}

/// <summary>A two-input element-wise operation, in scalar and vector form, for <see cref="ElementWise"/>.</summary>
/// <typeparam name="T">Element type.</typeparam>
internal interface IBinaryOperator<T>
{
    /// <summary>The operation on one element of each input.</summary>
    /// <param name="x">First input.</param>
    /// <param name="y">Second input.</param>
    /// <returns>Result.</returns>
    static abstract T Invoke(T x, T y);

    /// <summary>The same operation on vectors.</summary>
    /// <param name="x">First input lanes.</param>
    /// <param name="y">Second input lanes.</param>
    /// <returns>Result lanes.</returns>
    static abstract Vector256<T> Invoke(Vector256<T> x, Vector256<T> y);
}

/// <summary>A three-input element-wise operation, in scalar and vector form, for <see cref="ElementWise"/>.</summary>
/// <typeparam name="T">Element type.</typeparam>
internal interface ITernaryOperator<T>
{
    /// <summary>The operation on one element of each input.</summary>
    /// <param name="x">First input.</param>
    /// <param name="y">Second input.</param>
    /// <param name="z">Third input.</param>
    /// <returns>Result.</returns>
    static abstract T Invoke(T x, T y, T z);

    /// <summary>The same operation on vectors.</summary>
    /// <param name="x">First input lanes.</param>
    /// <param name="y">Second input lanes.</param>
    /// <param name="z">Third input lanes.</param>
    /// <returns>Result lanes.</returns>
    static abstract Vector256<T> Invoke(Vector256<T> x, Vector256<T> y, Vector256<T> z);
}
