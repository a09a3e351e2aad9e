using System.Buffers.Binary;
using Recurrent.Onnx.Proto;

namespace Recurrent.Onnx.Import;

/// <summary>
/// A tensor whose value the importer knows: an initializer, a <c>Constant</c> node's value, or what the constant folder
/// computed from them. Values are held as doubles, which hold every float32 and every index of a shape exactly.
/// </summary>
/// <param name="Shape">Dimensions, row-major; empty for a scalar.</param>
/// <param name="Values">The elements, row-major.</param>
/// <param name="IsInteger">Whether the ONNX type is an integer (or bool) type.</param>
internal sealed record ConstTensor(int[] Shape, double[] Values, bool IsInteger)
{
    /// <summary>Rank.</summary>
    public int Rank => Shape.Length;

    /// <summary>Whether every element is 0 (an all-zero initial state).</summary>
    public bool IsAllZero => Array.TrueForAll(Values, v => v == 0);

    /// <summary>The shape as text, <c>(2, 20, 3)</c>.</summary>
    public string ShapeText => ShapeTextOf(Shape);

    /// <summary>A shape as text, <c>(2, 20, 3)</c>.</summary>
    public static string ShapeTextOf(IEnumerable<int> shape) => "(" + string.Join(", ", shape) + ")";

    /// <summary>The elements as floats.</summary>
    public float[] ToFloats() => Array.ConvertAll(Values, v => (float)v);

    /// <summary>The elements as integers (indices, axes, shapes).</summary>
    public long[] ToLongs() => Array.ConvertAll(Values, v => (long)v);

    /// <summary>Row-major strides of a shape.</summary>
    public static int[] Strides(int[] shape)
    {
        var strides = new int[shape.Length];
        int s = 1;
        for (int i = shape.Length - 1; i >= 0; i--)
        {
            strides[i] = s;
            s *= shape[i];
        }
        return strides;
    }

    /// <summary>Reads an initializer or a <c>Constant</c> node's tensor.</summary>
    /// <param name="t">The tensor.</param>
    /// <param name="context">The file, for messages.</param>
    /// <param name="what">What the tensor is, for messages (<c>initializer 'W'</c>).</param>
    /// <returns>The tensor.</returns>
    public static ConstTensor FromProto(TensorProto? t, ImportContext context, string what)
    {
        if (t is null) throw context.Invalid($"{what} holds no tensor.");
        if (t.DataLocation == TensorProto.Types.DataLocation.External)
        {
            throw context.Unsupported($"{what} keeps its data in an external file; save the model with its weights inside (onnx.save(..., save_as_external_data=False)).");
        }
        var shape = new int[t.Dims.Count];
        long count = 1;
        for (int i = 0; i < shape.Length; i++)
        {
            long d = t.Dims[i];
            if (d < 0 || d > int.MaxValue) throw context.Invalid($"{what} has dimension {d}; expected a size in [0, 2³¹).");
            shape[i] = (int)d;
            count *= d;
            if (count > 1 << 28) throw context.Unsupported($"{what} has {count}+ elements, more than the importer reads (2²⁸).");
        }
        var type = (TensorProto.Types.DataType)t.DataType;
        var raw = t.RawData.Span;
        bool hasRaw = !t.RawData.IsEmpty;
        double[] values;
        bool integer = true;
        switch (type)
        {
            case TensorProto.Types.DataType.Float:
                integer = false;
                values = hasRaw ? Raw(raw, 4, count, context, what, b => BinaryPrimitives.ReadSingleLittleEndian(b)) : Listed(t.FloatData, count, context, what);
                break;
            case TensorProto.Types.DataType.Double:
                integer = false;
                values = hasRaw ? Raw(raw, 8, count, context, what, b => BinaryPrimitives.ReadDoubleLittleEndian(b)) : Listed(t.DoubleData, count, context, what);
                break;
            case TensorProto.Types.DataType.Int64:
                values = hasRaw ? Raw(raw, 8, count, context, what, b => BinaryPrimitives.ReadInt64LittleEndian(b)) : Listed(t.Int64Data.Select(v => (double)v).ToArray(), count, context, what);
                break;
            case TensorProto.Types.DataType.Int32:
                values = hasRaw ? Raw(raw, 4, count, context, what, b => BinaryPrimitives.ReadInt32LittleEndian(b)) : Listed(t.Int32Data, count, context, what);
                break;
            case TensorProto.Types.DataType.Int8:
                values = hasRaw ? Raw(raw, 1, count, context, what, b => (sbyte)b[0]) : Listed(t.Int32Data, count, context, what);
                break;
            case TensorProto.Types.DataType.Uint8 or TensorProto.Types.DataType.Bool:
                values = hasRaw ? Raw(raw, 1, count, context, what, b => b[0]) : Listed(t.Int32Data, count, context, what);
                break;
            default:
                throw context.Unsupported($"{what} has element type {type}; the importer reads float, double, int64, int32, int8, uint8 and bool tensors.");
        }
        return new ConstTensor(shape, values, integer);
    }

    private delegate double Decode(ReadOnlySpan<byte> bytes);

    private static double[] Raw(ReadOnlySpan<byte> raw, int size, long count, ImportContext context, string what, Decode decode)
    {
        if (raw.Length != count * size) throw context.Invalid($"{what} holds {raw.Length} bytes; its shape needs {count} × {size} = {count * size}.");
        var values = new double[count];
        for (int i = 0; i < values.Length; i++) values[i] = decode(raw.Slice(i * size, size));
        return values;
    }

    private static double[] Listed<TValue>(IReadOnlyCollection<TValue> data, long count, ImportContext context, string what) where TValue : IConvertible
    {
        if (data.Count != count) throw context.Invalid($"{what} holds {data.Count} values; its shape needs {count}.");
        return data.Select(v => v.ToDouble(null)).ToArray();
    }
}
