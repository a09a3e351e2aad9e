using System.Numerics;
using System.Runtime.CompilerServices;

namespace Recurrent.Tensors;

/// <summary>
/// A dense, contiguous, row-major tensor of <typeparamref name="T"/> over managed memory: the one data type every
/// kernel, autodiff operation, layer and model of Recurrent reads and writes.
/// </summary>
/// <remarks>
/// <para>
/// A tensor is a window <c>[Offset, Offset + Length)</c> of a managed array with a shape; <see cref="Reshape"/> and
/// <see cref="Rows"/> return views that share the storage. It is not <see cref="IDisposable"/>: nothing needs
/// releasing. Code that must not allocate in a hot loop keeps its tensors and reuses them.
/// </para>
/// <para>
/// <typeparamref name="T"/> is <see cref="float"/> for training and inference, and <see cref="double"/> for the
/// finite-difference gradient checks: the same code runs in both precisions, with fast paths specialised for float.
/// Shapes use the legend of <c>docs/NOTATION.md</c>: B batch, T steps, I input, H hidden, V vocabulary.
/// </para>
/// </remarks>
/// <typeparam name="T">The element type, <see cref="float"/> or <see cref="double"/>.</typeparam>
public sealed class Tensor<T> where T : unmanaged, IFloatingPointIeee754<T>
{
    private readonly T[] _data;
    private readonly int _offset;
    private readonly int[] _shape;

    /// <summary>Creates a zero-filled tensor of the given shape.</summary>
    /// <param name="shape">The size of each dimension; every size must be non-negative.</param>
    public Tensor(params int[] shape)
    {
        _shape = CheckedShape(shape, out int length);
        AllocationBudget.Charge(length);
        _data = length == 0 ? [] : new T[length];
        Length = length;
    }

    /// <summary>Wraps <paramref name="data"/> (not copied) as a tensor of the given shape.</summary>
    /// <param name="data">Storage; its length must equal the product of <paramref name="shape"/>.</param>
    /// <param name="shape">The size of each dimension.</param>
    public Tensor(T[] data, params int[] shape) : this(data, 0, shape) { }

    /// <summary>Wraps the window of <paramref name="data"/> that starts at <paramref name="offset"/> (not copied).</summary>
    internal Tensor(T[] data, int offset, int[] shape)
    {
        ArgumentNullException.ThrowIfNull(data);
        _shape = CheckedShape(shape, out int length);
        if (offset < 0 || offset + length > data.Length)
        {
            throw new ArgumentException(
                $"A tensor of shape {ShapeText(_shape)} at offset {offset} needs {offset + length} elements; the array has {data.Length}.",
                nameof(data));
        }
        _data = data;
        _offset = offset;
        Length = length;
    }

    /// <summary>The size of each dimension, outermost first.</summary>
    public ReadOnlySpan<int> Shape => _shape;

    /// <summary>The number of dimensions.</summary>
    public int Rank => _shape.Length;

    /// <summary>The number of elements (the product of the shape).</summary>
    public int Length { get; }

    /// <summary>The elements in row-major order.</summary>
    public Span<T> Span
    {
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        get => new(_data, _offset, Length);
    }

    /// <summary>The elements in row-major order, as <see cref="Memory{T}"/> for code that cannot hold a span.</summary>
    public Memory<T> Memory => new(_data, _offset, Length);

    /// <summary>The backing array (shared, possibly longer than the tensor); see <see cref="Offset"/>.</summary>
    internal T[] Buffer => _data;

    /// <summary>Index in <see cref="Buffer"/> of the first element.</summary>
    internal int Offset => _offset;

    /// <summary>The size of dimension <paramref name="axis"/>; a negative axis counts from the end.</summary>
    /// <param name="axis">Dimension index in <c>[-Rank, Rank)</c>.</param>
    /// <returns>The number of entries along that dimension.</returns>
    public int Dim(int axis)
    {
        int a = axis < 0 ? axis + _shape.Length : axis;
        if ((uint)a >= (uint)_shape.Length)
        {
            throw new ArgumentOutOfRangeException(nameof(axis), $"axis {axis} is outside a tensor of rank {Rank}.");
        }
        return _shape[a];
    }

    /// <summary>Element <paramref name="i"/> in row-major order.</summary>
    /// <param name="i">Flat index in <c>[0, Length)</c>.</param>
    public ref T this[int i]
    {
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        get
        {
            if ((uint)i >= (uint)Length) ThrowIndex();
            return ref _data[_offset + i];
        }
    }

    /// <summary>Element <c>[i, j]</c> of a rank-2 tensor.</summary>
    /// <param name="i">Row.</param>
    /// <param name="j">Column.</param>
    public ref T this[int i, int j]
    {
        get
        {
            if (_shape.Length != 2 || (uint)i >= (uint)_shape[0] || (uint)j >= (uint)_shape[1]) ThrowIndex();
            return ref _data[_offset + i * _shape[1] + j];
        }
    }

    /// <summary>Element <c>[i, j, k]</c> of a rank-3 tensor.</summary>
    /// <param name="i">Outer index.</param>
    /// <param name="j">Middle index.</param>
    /// <param name="k">Inner index.</param>
    public ref T this[int i, int j, int k]
    {
        get
        {
            if (_shape.Length != 3 || (uint)i >= (uint)_shape[0] || (uint)j >= (uint)_shape[1] || (uint)k >= (uint)_shape[2]) ThrowIndex();
            return ref _data[_offset + (i * _shape[1] + j) * _shape[2] + k];
        }
    }

    /// <summary>A view of the same elements with another shape of the same length.</summary>
    /// <param name="shape">The new shape; one entry may be -1 to be inferred.</param>
    /// <returns>A tensor sharing this tensor's storage.</returns>
    public Tensor<T> Reshape(params int[] shape)
    {
        int[] s = (int[])shape.Clone();
        int infer = Array.IndexOf(s, -1);
        if (infer >= 0)
        {
            int known = 1;
            for (int i = 0; i < s.Length; i++) if (i != infer) known *= s[i];
            if (known <= 0 || Length % known != 0)
            {
                throw new ArgumentException($"Cannot reshape {ShapeText(_shape)} to {ShapeText(shape)}.", nameof(shape));
            }
            s[infer] = Length / known;
        }
        if (ShapeLength(s) != Length)
        {
            throw new ArgumentException(
                $"Cannot reshape {ShapeText(_shape)} ({Length} elements) to {ShapeText(shape)} ({ShapeLength(s)} elements).",
                nameof(shape));
        }
        return new Tensor<T>(_data, _offset, s);
    }

    /// <summary>A view of entries <c>[start, start + count)</c> along the first dimension.</summary>
    /// <param name="start">First entry of the first dimension.</param>
    /// <param name="count">Number of entries.</param>
    /// <returns>A tensor sharing this tensor's storage, of shape <c>(count, Shape[1..])</c>.</returns>
    public Tensor<T> Rows(int start, int count)
    {
        if (Rank == 0) throw new InvalidOperationException("A scalar tensor has no rows.");
        if (start < 0 || count < 0 || start + count > _shape[0])
        {
            throw new ArgumentOutOfRangeException(nameof(start), $"rows [{start}, {start + count}) are outside a first dimension of {_shape[0]}.");
        }
        int inner = _shape[0] == 0 ? 0 : Length / _shape[0];
        int[] s = (int[])_shape.Clone();
        s[0] = count;
        return new Tensor<T>(_data, _offset + start * inner, s);
    }

    /// <summary>True when <paramref name="other"/> has the same shape as this tensor.</summary>
    /// <param name="other">The tensor to compare with.</param>
    /// <returns>Whether the shapes are equal.</returns>
    public bool SameShape(Tensor<T> other) => Shape.SequenceEqual(other.Shape);

    /// <summary>True when this tensor's shape equals <paramref name="shape"/>.</summary>
    /// <param name="shape">The shape to compare with.</param>
    /// <returns>Whether the shapes are equal.</returns>
    public bool HasShape(ReadOnlySpan<int> shape) => Shape.SequenceEqual(shape);

    /// <summary>A deep copy with its own storage.</summary>
    /// <returns>The new tensor.</returns>
    public Tensor<T> Clone()
    {
        var copy = new Tensor<T>(_shape);
        Span.CopyTo(copy.Span);
        return copy;
    }

    /// <summary>Copies the elements of <paramref name="source"/>, which must have the same length, into this tensor.</summary>
    /// <param name="source">The tensor to copy from.</param>
    public void CopyFrom(Tensor<T> source)
    {
        if (source.Length != Length)
        {
            throw new ArgumentException($"source has shape {ShapeText(source._shape)}; expected {ShapeText(_shape)}.", nameof(source));
        }
        source.Span.CopyTo(Span);
    }

    /// <summary>Sets every element to <paramref name="value"/>.</summary>
    /// <param name="value">The value to store.</param>
    public void Fill(T value) => Span.Fill(value);

    /// <summary>Sets every element to zero.</summary>
    public void Clear() => Span.Clear();

    /// <summary>The elements converted to another precision, in a new tensor of the same shape.</summary>
    /// <typeparam name="TOther">The target element type.</typeparam>
    /// <returns>The converted copy.</returns>
    public Tensor<TOther> Convert<TOther>() where TOther : unmanaged, IFloatingPointIeee754<TOther>
    {
        var result = new Tensor<TOther>(_shape);
        ReadOnlySpan<T> src = Span;
        Span<TOther> dst = result.Span;
        for (int i = 0; i < src.Length; i++) dst[i] = TOther.CreateTruncating(src[i]);
        return result;
    }

    /// <summary>The elements as a new array, in row-major order.</summary>
    /// <returns>A copy of the elements.</returns>
    public T[] ToArray() => Span.ToArray();

    /// <inheritdoc/>
    public override string ToString() => $"Tensor<{typeof(T).Name}>{ShapeText(_shape)}";

    /// <summary>Formats a shape the way error messages print it: <c>(2, 3, 4)</c>.</summary>
    /// <param name="shape">The shape.</param>
    /// <returns>The text.</returns>
    public static string ShapeText(ReadOnlySpan<int> shape)
    {
        if (shape.Length == 0) return "()";
        var parts = new string[shape.Length];
        for (int i = 0; i < shape.Length; i++) parts[i] = shape[i].ToString(System.Globalization.CultureInfo.InvariantCulture);
        return "(" + string.Join(", ", parts) + ")";
    }

    private static int[] CheckedShape(int[] shape, out int length)
    {
        ArgumentNullException.ThrowIfNull(shape);
        long n = 1;
        foreach (int d in shape)
        {
            if (d < 0) throw new ArgumentException($"Shape {ShapeText(shape)} has a negative dimension.", nameof(shape));
            n *= d;
            if (n > Array.MaxLength) throw new ArgumentException($"Shape {ShapeText(shape)} has more than {Array.MaxLength} elements.", nameof(shape));
        }
        length = (int)n;
        return (int[])shape.Clone();
    }

    private static long ShapeLength(int[] shape)
    {
        long n = 1;
        foreach (int d in shape) n *= d;
        return n;
    }

    private static void ThrowIndex() => throw new IndexOutOfRangeException("Index outside the tensor's shape.");
}
