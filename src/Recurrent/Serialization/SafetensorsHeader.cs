using System.Buffers.Binary;
using System.Text.Json;

namespace Recurrent.Serialization;

/// <summary>
/// Parses and checks the header of a safetensors file, trusting nothing in it: the header length against the file,
/// the JSON's shape, each dtype and shape against its byte range, and the ranges against each other and the data,
/// which they must cover exactly (no overlap, no gap), as the format requires.
/// </summary>
internal static class SafetensorsHeader
{
    /// <summary>The format's limit on the header's length, which stops a corrupt length from allocating gigabytes.</summary>
    private const ulong MaxLength = 100_000_000;

    /// <summary>Parses the header of <paramref name="file"/>; every problem is an <see cref="InvalidDataException"/> naming <paramref name="source"/>.</summary>
    /// <param name="file">The whole file.</param>
    /// <param name="source">The file's name, for messages.</param>
    /// <param name="dataStart">Where the data section starts in <paramref name="file"/>.</param>
    /// <param name="metadata">The <c>__metadata__</c> strings.</param>
    /// <returns>The tensors, in the order of their data.</returns>
    public static List<SafetensorsEntry> Parse(byte[] file, string source, out int dataStart, out Dictionary<string, string> metadata)
    {
        if (file.Length < 8) throw Invalid(source, $"truncated: the file has {file.Length} bytes, fewer than the 8 of the header length.");
        ulong length = BinaryPrimitives.ReadUInt64LittleEndian(file);
        if (length > MaxLength) throw Invalid(source, $"the header length is {length} bytes, beyond the format's limit of {MaxLength}; the file is corrupt or not safetensors.");
        if (length > (ulong)(file.Length - 8)) throw Invalid(source, $"truncated: the header needs {length} bytes but only {file.Length - 8} follow its length.");
        int n = (int)length;
        if (n == 0 || file[8] != (byte)'{') throw Invalid(source, "the header does not start with '{'; expected a JSON object.");
        dataStart = 8 + n;
        // The format's header is UTF-8; JsonDocument checks the syntax but decodes strings only when asked, so a name
        // with a stray byte would otherwise fail later with InvalidOperationException instead of naming the file.
        if (InvalidUtf8At(file.AsSpan(8, n)) is int bad) throw Invalid(source, $"the header is not UTF-8: invalid byte 0x{file[8 + bad]:X2} at offset {8 + bad}.");

        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(file.AsMemory(8, n), new JsonDocumentOptions { MaxDepth = 8 });
        }
        catch (JsonException e)
        {
            throw Invalid(source, $"the header is not valid JSON: {OneLine(e.Message)}");
        }
        using (document)
        {
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object) throw Invalid(source, $"the header is a JSON {root.ValueKind}; expected an object.");
            metadata = new Dictionary<string, string>(StringComparer.Ordinal);
            var entries = new List<SafetensorsEntry>();
            var names = new HashSet<string>(StringComparer.Ordinal);
            foreach (var property in root.EnumerateObject())
            {
                if (!names.Add(property.Name)) throw Invalid(source, $"the header names '{property.Name}' twice.");
                if (property.Name == SafetensorsFile.MetadataKey) ReadMetadata(property.Value, source, metadata);
                else entries.Add(ReadEntry(property.Name, property.Value, source));
            }
            CheckLayout(entries, file.Length - dataStart, source);
            return entries;
        }
    }

    /// <summary>
    /// An <see cref="InvalidDataException"/> whose one-line message names the file and the problem; line breaks in
    /// either (a name or value quoted from the file) become spaces.
    /// </summary>
    public static InvalidDataException Invalid(string source, string problem, Exception? inner = null) =>
        new($"{source}: {problem}".ReplaceLineEndings(" "), inner);

    private static void ReadMetadata(JsonElement element, string source, Dictionary<string, string> metadata)
    {
        if (element.ValueKind != JsonValueKind.Object) throw Invalid(source, $"__metadata__ is a JSON {element.ValueKind}; expected an object of strings.");
        foreach (var item in element.EnumerateObject())
        {
            if (item.Value.ValueKind != JsonValueKind.String) throw Invalid(source, $"__metadata__ entry '{item.Name}' is a JSON {item.Value.ValueKind}; expected a string.");
            if (!metadata.TryAdd(item.Name, item.Value.GetString()!)) throw Invalid(source, $"__metadata__ names '{item.Name}' twice.");
        }
    }

    private static SafetensorsEntry ReadEntry(string name, JsonElement element, string source)
    {
        if (element.ValueKind != JsonValueKind.Object) throw Invalid(source, $"tensor '{name}' is a JSON {element.ValueKind}; expected an object with dtype, shape and data_offsets.");
        if (!element.TryGetProperty("dtype", out var dtypeElement) || dtypeElement.ValueKind != JsonValueKind.String)
        {
            throw Invalid(source, $"tensor '{name}' has no dtype string.");
        }
        string dtypeName = dtypeElement.GetString()!;
        if (!SafetensorsDTypes.TryParse(dtypeName, out var dtype)) throw Invalid(source, $"tensor '{name}' has unknown dtype '{dtypeName}'.");

        long[] shape = Integers(element, "shape", name, source);
        long[] offsets = Integers(element, "data_offsets", name, source);
        if (offsets.Length != 2 || offsets[0] > offsets[1])
        {
            throw Invalid(source, $"tensor '{name}' has data_offsets [{string.Join(", ", offsets)}]; expected [begin, end] with begin ≤ end.");
        }
        var dims = new int[shape.Length];
        long elements = 1;
        for (int i = 0; i < shape.Length; i++)
        {
            if (shape[i] > int.MaxValue) throw Invalid(source, $"tensor '{name}' has dimension {shape[i]}, beyond {int.MaxValue}.");
            dims[i] = (int)shape[i];
            elements *= shape[i]; // no overflow: both factors are at most 2³¹
            if (elements > Array.MaxLength) throw Invalid(source, $"tensor '{name}' has shape {ShapeText(dims)}, more elements than a tensor can hold.");
        }
        long bytes = elements * SafetensorsDTypes.Size(dtype);
        if (offsets[1] - offsets[0] != bytes)
        {
            throw Invalid(source, $"tensor '{name}' is {dtypeName} {ShapeText(dims)}, {bytes} bytes, but its data_offsets [{offsets[0]}, {offsets[1]}) span {offsets[1] - offsets[0]}.");
        }
        return new SafetensorsEntry(name, dtype, dims, offsets[0], offsets[1]);
    }

    private static long[] Integers(JsonElement entry, string property, string name, string source)
    {
        if (!entry.TryGetProperty(property, out var array) || array.ValueKind != JsonValueKind.Array)
        {
            throw Invalid(source, $"tensor '{name}' has no {property} array.");
        }
        var values = new long[array.GetArrayLength()];
        int i = 0;
        foreach (var item in array.EnumerateArray())
        {
            if (item.ValueKind != JsonValueKind.Number || !item.TryGetInt64(out long v) || v < 0)
            {
                throw Invalid(source, $"tensor '{name}' has {property} entry {item.GetRawText()}; expected a non-negative integer.");
            }
            values[i++] = v;
        }
        return values;
    }

    /// <summary>Sorts the entries by offset and checks that they tile the data section exactly.</summary>
    private static void CheckLayout(List<SafetensorsEntry> entries, long dataLength, string source)
    {
        entries.Sort((a, b) => a.Begin != b.Begin ? a.Begin.CompareTo(b.Begin) : a.End.CompareTo(b.End));
        // Out of range first: a tensor placed past the end would otherwise be reported as the gap it leaves behind.
        foreach (var e in entries)
        {
            if (e.End > dataLength)
            {
                throw Invalid(source, $"truncated: tensor '{e.Name}' ends at data byte {e.End} but the data section has {dataLength} bytes.");
            }
        }
        long expected = 0;
        SafetensorsEntry? previous = null;
        foreach (var e in entries)
        {
            if (e.Begin < expected)
            {
                throw Invalid(source, $"tensors '{previous!.Name}' [{previous.Begin}, {previous.End}) and '{e.Name}' [{e.Begin}, {e.End}) overlap.");
            }
            if (e.Begin > expected) throw Invalid(source, $"data bytes [{expected}, {e.Begin}) belong to no tensor; the format allows no gaps.");
            expected = e.End;
            previous = e;
        }
        if (expected != dataLength) throw Invalid(source, $"{dataLength - expected} bytes after the last tensor belong to no tensor; the format allows no trailing data.");
    }

    /// <summary>The offset of the first byte of <paramref name="utf8"/> that is not valid UTF-8, or null if it all is.</summary>
    private static int? InvalidUtf8At(ReadOnlySpan<byte> utf8)
    {
        if (System.Text.Unicode.Utf8.IsValid(utf8)) return null;
        int at = 0;
        while (System.Text.Rune.DecodeFromUtf8(utf8[at..], out _, out int consumed) == System.Buffers.OperationStatus.Done) at += consumed;
        return at;
    }

    private static string ShapeText(int[] shape) => Tensors.Tensor<float>.ShapeText(shape);

    private static string OneLine(string text) => text.ReplaceLineEndings(" ");
}
