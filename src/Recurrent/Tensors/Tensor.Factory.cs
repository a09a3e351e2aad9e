using System.Numerics;

namespace Recurrent.Tensors;

/// <summary>Factories for <see cref="Tensor{T}"/>: zeros, constants, copies of arrays, and random initialisations.</summary>
public static class Tensor
{
    /// <summary>A zero-filled tensor.</summary>
    /// <typeparam name="T">Element type.</typeparam>
    /// <param name="shape">The size of each dimension.</param>
    /// <returns>The new tensor.</returns>
    public static Tensor<T> Zeros<T>(params int[] shape) where T : unmanaged, IFloatingPointIeee754<T> => new(shape);

    /// <summary>A tensor with every element set to <paramref name="value"/>.</summary>
    /// <typeparam name="T">Element type.</typeparam>
    /// <param name="value">The value.</param>
    /// <param name="shape">The size of each dimension.</param>
    /// <returns>The new tensor.</returns>
    public static Tensor<T> Full<T>(T value, params int[] shape) where T : unmanaged, IFloatingPointIeee754<T>
    {
        var t = new Tensor<T>(shape);
        t.Fill(value);
        return t;
    }

    /// <summary>A tensor holding a copy of <paramref name="values"/>.</summary>
    /// <typeparam name="T">Element type.</typeparam>
    /// <param name="values">Elements in row-major order.</param>
    /// <param name="shape">The size of each dimension; the product must equal the number of values.</param>
    /// <returns>The new tensor.</returns>
    public static Tensor<T> FromArray<T>(ReadOnlySpan<T> values, params int[] shape) where T : unmanaged, IFloatingPointIeee754<T>
    {
        var t = new Tensor<T>(shape);
        if (values.Length != t.Length)
        {
            throw new ArgumentException($"{values.Length} values cannot fill a tensor of shape {Tensor<T>.ShapeText(shape)} ({t.Length} elements).", nameof(values));
        }
        values.CopyTo(t.Span);
        return t;
    }

    /// <summary>A tensor of values drawn uniformly from <c>[low, high)</c>.</summary>
    /// <typeparam name="T">Element type.</typeparam>
    /// <param name="rng">The random source.</param>
    /// <param name="low">Lower bound.</param>
    /// <param name="high">Upper bound.</param>
    /// <param name="shape">The size of each dimension.</param>
    /// <returns>The new tensor.</returns>
    public static Tensor<T> Uniform<T>(Rng rng, double low, double high, params int[] shape) where T : unmanaged, IFloatingPointIeee754<T>
    {
        var t = new Tensor<T>(shape);
        rng.FillUniform(t.Span, low, high);
        return t;
    }

    /// <summary>A tensor of values drawn from a normal distribution.</summary>
    /// <typeparam name="T">Element type.</typeparam>
    /// <param name="rng">The random source.</param>
    /// <param name="mean">Mean.</param>
    /// <param name="std">Standard deviation.</param>
    /// <param name="shape">The size of each dimension.</param>
    /// <returns>The new tensor.</returns>
    public static Tensor<T> Normal<T>(Rng rng, double mean, double std, params int[] shape) where T : unmanaged, IFloatingPointIeee754<T>
    {
        var t = new Tensor<T>(shape);
        rng.FillNormal(t.Span, mean, std);
        return t;
    }
}
