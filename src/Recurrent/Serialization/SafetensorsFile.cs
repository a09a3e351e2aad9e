using System.Numerics;
using System.Runtime.InteropServices;
using Recurrent.Tensors;

namespace Recurrent.Serialization;

/// <summary>
/// A safetensors file read into memory and checked (see <see cref="SafetensorsWriter"/> for the format): its tensors
/// by name, converted to float or double on request, and its metadata.
/// </summary>
/// <remarks>
/// Everything in the header is checked before any tensor is read, so a truncated file, a corrupt or hostile header,
/// out-of-range or overlapping offsets, or a dtype and shape that disagree with the byte range each raise an
/// <see cref="InvalidDataException"/> whose one-line message names the file and the problem. Files are read whole,
/// so they must be under 2 GiB, far above a recurrent network's weights and optimizer state.
/// </remarks>
public sealed class SafetensorsFile
{
    /// <summary>The header key of the metadata object.</summary>
    public const string MetadataKey = "__metadata__";

    private readonly byte[] _bytes;
    private readonly int _dataStart;
    private readonly Dictionary<string, SafetensorsEntry> _byName;

    private SafetensorsFile(byte[] bytes, string source)
    {
        if (!BitConverter.IsLittleEndian) throw new PlatformNotSupportedException("Reading safetensors needs a little-endian machine.");
        _bytes = bytes;
        Source = source;
        var entries = SafetensorsHeader.Parse(bytes, source, out _dataStart, out var metadata);
        Entries = entries;
        Metadata = metadata;
        _byName = entries.ToDictionary(e => e.Name, StringComparer.Ordinal);
    }

    /// <summary>Where the bytes came from (the path), as error messages name it.</summary>
    public string Source { get; }

    /// <summary>The tensors' descriptions, in the order of their data.</summary>
    public IReadOnlyList<SafetensorsEntry> Entries { get; }

    /// <summary>The header's <c>__metadata__</c> strings (empty if it has none).</summary>
    public IReadOnlyDictionary<string, string> Metadata { get; }

    /// <summary>Reads and checks the file at <paramref name="path"/>.</summary>
    /// <param name="path">The file.</param>
    /// <returns>The parsed file.</returns>
    public static SafetensorsFile Read(string path) => new(File.ReadAllBytes(path), path);

    /// <summary>Checks and wraps the bytes of a safetensors file (not copied).</summary>
    /// <param name="bytes">The whole file.</param>
    /// <param name="source">A name for error messages.</param>
    /// <returns>The parsed file.</returns>
    public static SafetensorsFile Parse(byte[] bytes, string source = "(bytes)")
    {
        ArgumentNullException.ThrowIfNull(bytes);
        return new(bytes, source);
    }

    /// <summary>Whether the file has a tensor named <paramref name="name"/>.</summary>
    /// <param name="name">The tensor name.</param>
    /// <returns>True if present.</returns>
    public bool Contains(string name) => _byName.ContainsKey(name);

    /// <summary>The description of tensor <paramref name="name"/>.</summary>
    /// <param name="name">The tensor name.</param>
    /// <returns>Its dtype, shape and byte range.</returns>
    public SafetensorsEntry Entry(string name) =>
        _byName.TryGetValue(name, out var entry) ? entry
        : throw new KeyNotFoundException($"{Source} has no tensor '{name}'; it has {_byName.Count} ({string.Join(", ", _byName.Keys.Take(8))}{(_byName.Count > 8 ? ", …" : "")}).");

    /// <summary>
    /// Tensor <paramref name="name"/> as a new <see cref="Tensor{T}"/>, converted from its stored floating-point type
    /// (F64, F32, F16 or BF16; exact when widening, rounded to nearest when narrowing).
    /// </summary>
    /// <typeparam name="T">The element type wanted.</typeparam>
    /// <param name="name">The tensor name.</param>
    /// <returns>A copy of the tensor's values with its shape.</returns>
    public Tensor<T> Get<T>(string name) where T : unmanaged, IFloatingPointIeee754<T>
    {
        var entry = Entry(name);
        if (entry.DType is not (SafetensorsDType.F64 or SafetensorsDType.F32 or SafetensorsDType.F16 or SafetensorsDType.BF16))
        {
            throw SafetensorsHeader.Invalid(Source, $"tensor '{name}' is {SafetensorsDTypes.Name(entry.DType)}; only F64, F32, F16 and BF16 tensors can be read as {typeof(T).Name}.");
        }
        var result = new Tensor<T>([.. entry.Shape]); // its bytes were checked against the file: at most 4 × the data for F16 as double
        ReadOnlySpan<byte> data = _bytes.AsSpan(_dataStart + (int)entry.Begin, (int)(entry.End - entry.Begin));
        Span<T> destination = result.Span;
        if (entry.DType == SafetensorsDTypes.Of<T>())
        {
            data.CopyTo(MemoryMarshal.AsBytes(destination)); // bit for bit, NaN payloads included
            return result;
        }
        switch (entry.DType)
        {
            case SafetensorsDType.F64:
                TensorPrimitives.ConvertTruncating(MemoryMarshal.Cast<byte, double>(data), destination);
                break;
            case SafetensorsDType.F32:
                TensorPrimitives.ConvertTruncating(MemoryMarshal.Cast<byte, float>(data), destination);
                break;
            case SafetensorsDType.F16:
                TensorPrimitives.ConvertTruncating(MemoryMarshal.Cast<byte, Half>(data), destination);
                break;
            case SafetensorsDType.BF16:
                // bfloat16 is the upper half of a binary32: widening is a shift.
                ReadOnlySpan<ushort> bits = MemoryMarshal.Cast<byte, ushort>(data);
                for (int i = 0; i < bits.Length; i++) destination[i] = T.CreateTruncating(BitConverter.Int32BitsToSingle(bits[i] << 16));
                break;
            default:
                throw SafetensorsHeader.Invalid(Source, $"tensor '{name}' is {SafetensorsDTypes.Name(entry.DType)}; only F64, F32, F16 and BF16 tensors can be read as {typeof(T).Name}.");
        }
        return result;
    }
}
