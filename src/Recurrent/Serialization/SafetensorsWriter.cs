using System.Buffers;
using System.Buffers.Binary;
using System.Numerics;
using System.Runtime.InteropServices;
using System.Text.Encodings.Web;
using System.Text.Json;
using Recurrent.Tensors;

namespace Recurrent.Serialization;

/// <summary>
/// Writes tensors in Hugging Face's safetensors format, the one PyTorch (<c>safetensors.torch.load_file</c>), JAX and
/// most model hubs read: no code, only a JSON header and raw little-endian data, so loading a file can never run
/// anything.
/// </summary>
/// <remarks>
/// <para>
/// Layout: 8 bytes holding N, the header's length (unsigned, little-endian); N bytes of UTF-8 JSON mapping each tensor
/// name to <c>{"dtype": "F32", "shape": [H, I], "data_offsets": [begin, end]}</c>, plus an optional
/// <c>"__metadata__"</c> object of strings; then the data, each tensor's bytes row-major at
/// <c>[begin, end)</c> of the data section, with no gaps. The header is padded with spaces so that the data starts at
/// a multiple of 8 bytes, and tensors are laid out by decreasing element size (then by name), so every tensor is
/// aligned for its type and the output does not depend on the order of <see cref="Add{T}"/> calls.
/// </para>
/// <para>
/// The writer keeps references to the tensors and reads them when it writes. <see cref="Save"/> replaces its target
/// atomically: a failure part-way leaves the previous file as it was.
/// </para>
/// </remarks>
public sealed class SafetensorsWriter
{
    private readonly Dictionary<string, Pending> _tensors = new(StringComparer.Ordinal);

    /// <summary>Free-form strings stored as the header's <c>"__metadata__"</c> (model configuration, step, …).</summary>
    public Dictionary<string, string> Metadata { get; } = new(StringComparer.Ordinal);

    /// <summary>Adds a tensor, stored as F32 (float), F64 (double) or F16 (Half).</summary>
    /// <typeparam name="T">Element type.</typeparam>
    /// <param name="name">Its name: non-empty, unique, not <c>__metadata__</c>.</param>
    /// <param name="tensor">The tensor; read when the file is written, not now.</param>
    /// <returns>This writer.</returns>
    public SafetensorsWriter Add<T>(string name, Tensor<T> tensor) where T : unmanaged, IFloatingPointIeee754<T>
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        ArgumentNullException.ThrowIfNull(tensor);
        if (name == SafetensorsFile.MetadataKey) throw new ArgumentException($"'{SafetensorsFile.MetadataKey}' is reserved for the metadata; choose another tensor name.", nameof(name));
        if (_tensors.ContainsKey(name)) throw new ArgumentException($"A tensor named '{name}' was already added.", nameof(name));
        _tensors.Add(name, new Pending<T>(name, SafetensorsDTypes.Of<T>(), tensor));
        return this;
    }

    /// <summary>Writes the file to <paramref name="path"/> atomically (temporary file, flush, rename).</summary>
    /// <param name="path">The file to create or replace.</param>
    public void Save(string path) => AtomicFile.Write(path, WriteTo);

    /// <summary>Writes the file's bytes to <paramref name="stream"/>.</summary>
    /// <param name="stream">A writable stream.</param>
    public void WriteTo(Stream stream)
    {
        ArgumentNullException.ThrowIfNull(stream);
        if (!BitConverter.IsLittleEndian) throw new PlatformNotSupportedException("Writing safetensors needs a little-endian machine.");
        var order = _tensors.Values
            .OrderByDescending(t => SafetensorsDTypes.Size(t.DType))
            .ThenBy(t => t.Name, StringComparer.Ordinal)
            .ToList();
        byte[] header = Header(order);
        int padding = (8 - header.Length % 8) % 8;
        Span<byte> length = stackalloc byte[8];
        BinaryPrimitives.WriteUInt64LittleEndian(length, (ulong)(header.Length + padding));
        stream.Write(length);
        stream.Write(header);
        for (int i = 0; i < padding; i++) stream.WriteByte((byte)' ');
        foreach (var t in order) t.WriteData(stream);
    }

    /// <summary>The file's bytes.</summary>
    /// <returns>A new array.</returns>
    public byte[] ToArray()
    {
        using var memory = new MemoryStream();
        WriteTo(memory);
        return memory.ToArray();
    }

    private byte[] Header(List<Pending> order)
    {
        var buffer = new ArrayBufferWriter<byte>();
        // Relaxed escaping keeps non-ASCII names readable; the result is still strict JSON.
        using (var json = new Utf8JsonWriter(buffer, new JsonWriterOptions { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping }))
        {
            json.WriteStartObject();
            if (Metadata.Count > 0)
            {
                json.WriteStartObject(SafetensorsFile.MetadataKey);
                foreach (var (key, value) in Metadata.OrderBy(kv => kv.Key, StringComparer.Ordinal)) json.WriteString(key, value);
                json.WriteEndObject();
            }
            long offset = 0;
            foreach (var t in order)
            {
                long end = offset + (long)t.Length * SafetensorsDTypes.Size(t.DType);
                json.WriteStartObject(t.Name);
                json.WriteString("dtype", SafetensorsDTypes.Name(t.DType));
                json.WriteStartArray("shape");
                foreach (int d in t.Shape) json.WriteNumberValue(d);
                json.WriteEndArray();
                json.WriteStartArray("data_offsets");
                json.WriteNumberValue(offset);
                json.WriteNumberValue(end);
                json.WriteEndArray();
                json.WriteEndObject();
                offset = end;
            }
            json.WriteEndObject();
        }
        return buffer.WrittenSpan.ToArray();
    }

    private abstract class Pending(string name, SafetensorsDType dtype)
    {
        public string Name { get; } = name;

        public SafetensorsDType DType { get; } = dtype;

        public abstract int[] Shape { get; }

        public abstract int Length { get; }

        public abstract void WriteData(Stream stream);
    }

    private sealed class Pending<T>(string name, SafetensorsDType dtype, Tensor<T> tensor) : Pending(name, dtype)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        public override int[] Shape => tensor.Shape.ToArray();

        public override int Length => tensor.Length;

        public override void WriteData(Stream stream) => stream.Write(MemoryMarshal.AsBytes(tensor.Span));
    }
}
