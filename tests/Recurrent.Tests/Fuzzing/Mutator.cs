using System.Buffers.Binary;
using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Recurrent.Tensors;

namespace Recurrent.Tests.Fuzzing;

/// <summary>
/// Structure-aware mutations of the fuzzer's seed files, drawn from a seeded <see cref="Rng"/> so that a run is a pure
/// function of its seed: bit flips, boundary bytes, truncation at every structural boundary and at random points,
/// splicing two files, boundary values (0, 1, −1, int.MaxValue, long.MaxValue, a length past the file) written into the
/// 8-byte header length and into each tensor's <c>data_offsets</c>, <c>shape</c> and <c>dtype</c>, and into the metadata
/// values (<c>model_config</c> fields, <c>format_version</c>, step counts, RNG states, the vocabulary).
/// </summary>
public sealed class Mutator(Rng rng, IReadOnlyList<FuzzSeed> seeds)
{
    private static readonly string[] IntegerBoundaries =
    [
        "0", "1", "-1", "2", "3", "7", "255", "65535", "65536", "2147483647", "2147483648", "-2147483648", "4294967295",
        "4294967296", "9223372036854775807", "-9223372036854775808", "18446744073709551615", "18446744073709551616",
        "1e30", "1.5", "-0", "1e-7", "100000", "1000000", "46341", "2147483646",
    ];

    private static readonly string[] StringBoundaries =
    [
        "", " ", "0", "-1", "2147483648", "99999999999999999999", "x", "NaN", "Infinity", "-5", "+3", "0x10", "1 2", "  7",
        "{", "{}", "[]", "null", "true", "\"", "\\u12", "\\uZZZZ", "\\u0061\\u0061", "ab", "aa", "ba", "\u0000", "\uD800",
        "ffffffffffffffff ffffffffffffffff", "1 2 3 4 5", "zz", "1.0e309", "-0.0", "3",
    ];

    private static readonly JsonNode?[] JsonBoundaries =
    [
        0, 1, -1, 2, int.MaxValue, int.MinValue, long.MaxValue, long.MinValue, (long)int.MaxValue + 1, 1e30, 1.5, -0.5,
        double.MaxValue, "", "x", "Lstm", "Custom", "Jordan", "Tanh", "AllSteps", null, true, false, 46341, 100_000, 65536,
        1_000_000,
    ];

    private static readonly string[] DTypes = ["F64", "F32", "F16", "BF16", "I64", "U8", "BOOL", "F8_E4M3", "f32", "", "F128"];

    /// <summary>One mutated input: the seed it came from, what was done, and the bytes.</summary>
    public (FuzzSeed Seed, string Mutations, byte[] Bytes) Next()
    {
        var seed = seeds[rng.Next(seeds.Count)];
        byte[] bytes = seed.Bytes;
        int count = 1 + rng.Next(3);
        var applied = new List<string>(count);
        for (int i = 0; i < count; i++)
        {
            var (name, mutated) = MutateOnce(seed, bytes);
            applied.Add(name);
            bytes = mutated;
        }
        return (seed, string.Join(" + ", applied), bytes);
    }

    private (string Name, byte[] Bytes) MutateOnce(FuzzSeed seed, byte[] bytes)
    {
        bool structured = seed.Format == FuzzFormat.Safetensors && TryHeader(bytes, out _, out _);
        int choice = rng.Next(structured ? 12 : 6);
        try
        {
            return Mutate(choice, seed, bytes);
        }
        catch (Exception e) when (e is ArgumentException or InvalidOperationException or FormatException)
        {
            // JsonNode materialises lazily, so a header JsonDocument accepted (duplicate names, say) can still fail
            // the mutator's own edit; the input is then mutated blindly instead.
            return FlipBits(bytes);
        }
    }

    private (string Name, byte[] Bytes) Mutate(int choice, FuzzSeed seed, byte[] bytes) =>
        choice switch
        {
            0 => FlipBits(bytes),
            1 => SetBoundaryBytes(bytes),
            2 => Truncate(bytes, seed.Format),
            3 => Splice(bytes, seed.Format),
            4 => InsertOrDelete(bytes),
            5 => seed.Format == FuzzFormat.Safetensors ? HeaderLength(bytes) : FlipBits(bytes),
            6 or 7 => TensorField(bytes),
            8 or 9 => MetadataValue(bytes),
            10 => ModelConfigField(bytes),
            _ => HeaderStructure(bytes),
        };

    private (string, byte[]) FlipBits(byte[] bytes)
    {
        if (bytes.Length == 0) return ("flip(empty)", bytes);
        byte[] copy = (byte[])bytes.Clone();
        int flips = 1 + rng.Next(8);
        // Half the flips land in the first 8 + header bytes, where a change matters most.
        int headerEnd = TryHeader(bytes, out int n, out _) ? Math.Min(bytes.Length, 8 + n) : bytes.Length;
        for (int i = 0; i < flips; i++)
        {
            int at = rng.Next(2) == 0 ? rng.Next(headerEnd) : rng.Next(copy.Length);
            copy[at] ^= (byte)(1 << rng.Next(8));
        }
        return ($"flip×{flips}", copy);
    }

    private (string, byte[]) SetBoundaryBytes(byte[] bytes)
    {
        if (bytes.Length == 0) return ("bytes(empty)", bytes);
        byte[] copy = (byte[])bytes.Clone();
        byte[] values = [0x00, 0x01, 0x7F, 0x80, 0xFF, (byte)'{', (byte)'}', (byte)'"', (byte)'\\', (byte)'-', (byte)'9', 0xC3, 0xED, 0xF4];
        int count = 1 + rng.Next(4);
        for (int i = 0; i < count; i++) copy[rng.Next(copy.Length)] = values[rng.Next(values.Length)];
        return ($"bytes×{count}", copy);
    }

    private (string, byte[]) Truncate(byte[] bytes, FuzzFormat format)
    {
        var cuts = Boundaries(bytes, format);
        int at = rng.Next(3) == 0 ? rng.Next(bytes.Length + 1) : cuts[rng.Next(cuts.Count)];
        at = Math.Clamp(at + rng.Next(3) - 1, 0, bytes.Length);
        return ($"truncate@{at}", bytes[..at]);
    }

    private (string, byte[]) Splice(byte[] bytes, FuzzFormat format)
    {
        var others = seeds.Where(s => s.Format == format).ToArray();
        byte[] other = others[rng.Next(others.Length)].Bytes;
        var mine = Boundaries(bytes, format);
        var theirs = Boundaries(other, format);
        int a = rng.Next(2) == 0 ? mine[rng.Next(mine.Count)] : rng.Next(bytes.Length + 1);
        int b = rng.Next(2) == 0 ? theirs[rng.Next(theirs.Count)] : rng.Next(other.Length + 1);
        return ($"splice@{a}/{b}", [.. bytes.AsSpan(0, Math.Min(a, bytes.Length)), .. other.AsSpan(Math.Min(b, other.Length))]);
    }

    private (string, byte[]) InsertOrDelete(byte[] bytes)
    {
        int at = rng.Next(bytes.Length + 1);
        if (rng.Next(2) == 0 && at < bytes.Length)
        {
            int length = 1 + rng.Next(Math.Min(16, bytes.Length - at));
            return ($"delete@{at}+{length}", [.. bytes.AsSpan(0, at), .. bytes.AsSpan(at + length)]);
        }
        int count = 1 + rng.Next(16);
        var inserted = new byte[count];
        for (int i = 0; i < count; i++) inserted[i] = (byte)rng.Next(256);
        return ($"insert@{at}+{count}", [.. bytes.AsSpan(0, at), .. inserted, .. bytes.AsSpan(at)]);
    }

    /// <summary>The 8-byte header length set to a boundary value.</summary>
    private (string, byte[]) HeaderLength(byte[] bytes)
    {
        if (bytes.Length < 8) return ("length(short)", bytes);
        TryHeader(bytes, out int n, out _);
        ulong[] values =
        [
            0, 1, 2, ulong.MaxValue, int.MaxValue, (ulong)int.MaxValue + 1, long.MaxValue, (ulong)long.MaxValue + 1,
            (ulong)bytes.Length, (ulong)bytes.Length - 7, (ulong)bytes.Length - 8, (ulong)bytes.Length - 9, (ulong)n + 1,
            (ulong)Math.Max(n - 1, 0), 100_000_000, 100_000_001, uint.MaxValue,
        ];
        ulong value = values[rng.Next(values.Length)];
        byte[] copy = (byte[])bytes.Clone();
        BinaryPrimitives.WriteUInt64LittleEndian(copy, value);
        return ($"header_length={value}", copy);
    }

    /// <summary>A tensor's <c>data_offsets</c>, <c>shape</c> or <c>dtype</c> changed, the header re-encoded.</summary>
    private (string, byte[]) TensorField(byte[] bytes)
    {
        var (root, data) = Header(bytes);
        var tensors = root.Where(p => p.Key != "__metadata__" && p.Value is JsonObject).Select(p => p.Key).ToArray();
        if (tensors.Length == 0) return ("tensor(none)", bytes);
        string name = tensors[rng.Next(tensors.Length)];
        var tensor = (JsonObject)root[name]!;
        string what;
        switch (rng.Next(7))
        {
            case 0:
            case 1:
                what = SetArrayItem(tensor, "data_offsets");
                break;
            case 2:
            case 3:
                what = SetArrayItem(tensor, "shape");
                break;
            case 4:
                string dtype = DTypes[rng.Next(DTypes.Length)];
                tensor["dtype"] = dtype;
                what = $"dtype={dtype}";
                break;
            case 5:
                // Consistent lie: a shape whose byte count overflows or wraps, offsets to match what the product would be.
                long[] dims = [(long)int.MaxValue, int.MaxValue, 4];
                int keep = 1 + rng.Next(dims.Length);
                tensor["shape"] = new JsonArray([.. dims[..keep].Select(d => JsonValue.Create(d))]);
                what = $"shape=[{string.Join(',', dims[..keep])}]";
                break;
            default:
                string[] keys = ["dtype", "shape", "data_offsets"];
                string key = keys[rng.Next(keys.Length)];
                var node = JsonBoundaries[rng.Next(JsonBoundaries.Length)];
                tensor[key] = node?.DeepClone();
                what = $"{key}={node?.ToJsonString() ?? "null"}";
                break;
        }
        return ($"tensor '{name}' {what}", Encode(root, data));
    }

    private string SetArrayItem(JsonObject tensor, string key)
    {
        if (tensor[key] is not JsonArray array) return $"{key}(missing)";
        switch (rng.Next(4))
        {
            case 0:
                array.Add(JsonValue.Create(rng.Next(3)));
                return $"{key}+=item";
            case 1 when array.Count > 0:
                array.RemoveAt(rng.Next(array.Count));
                return $"{key}-=item";
            default:
                if (array.Count == 0) return $"{key}(empty)";
                int i = rng.Next(array.Count);
                var value = JsonBoundaries[rng.Next(7)]; // integers only, mostly
                if (rng.Next(4) == 0) value = JsonBoundaries[rng.Next(JsonBoundaries.Length)];
                array[i] = value?.DeepClone();
                return $"{key}[{i}]={value?.ToJsonString() ?? "null"}";
        }
    }

    /// <summary>A <c>__metadata__</c> value replaced by a boundary string, or a metadata key added or removed.</summary>
    private (string, byte[]) MetadataValue(byte[] bytes)
    {
        var (root, data) = Header(bytes);
        if (root["__metadata__"] is not JsonObject metadata) return ("metadata(none)", bytes);
        string[] keys = [.. metadata.Select(p => p.Key)];
        int choice = rng.Next(10);
        if (choice == 0 && keys.Length > 0)
        {
            string removed = keys[rng.Next(keys.Length)];
            metadata.Remove(removed);
            return ($"metadata -'{removed}'", Encode(root, data));
        }
        string key;
        if (choice == 1 || keys.Length == 0)
        {
            string[] extra = ["format", "format_version", "step", "optimizer", "optimizer.learning_rate", "optimizer.x.step", "optimizer.step", "rng.x", "model", "model_config", "state.data.order", "model.vocabulary", "state.epoch"];
            key = extra[rng.Next(extra.Length)];
        }
        else key = keys[rng.Next(keys.Length)];
        string value = rng.Next(4) == 0 && metadata[key] is JsonValue old && old.TryGetValue(out string? text)
            ? MutateText(text)
            : StringBoundaries[rng.Next(StringBoundaries.Length)];
        metadata[key] = rng.Next(20) == 0 ? JsonValue.Create(7) : value;
        return ($"metadata '{key}'={JsonSerializer.Serialize(value)}", Encode(root, data));
    }

    /// <summary>A field of <c>model_config</c> (anywhere in its tree) set to a boundary value, removed, or duplicated.</summary>
    private (string, byte[]) ModelConfigField(byte[] bytes)
    {
        var (root, data) = Header(bytes);
        if (root["__metadata__"] is not JsonObject metadata || metadata["model_config"] is not JsonValue configValue
            || !configValue.TryGetValue(out string? configText)) return MetadataValue(bytes);
        JsonNode? config;
        try
        {
            config = JsonNode.Parse(configText);
        }
        catch (JsonException)
        {
            return MetadataValue(bytes);
        }
        if (config is null) return MetadataValue(bytes);
        var leaves = new List<(JsonNode Parent, string? Key, int Index)>();
        Collect(config, leaves);
        if (leaves.Count == 0) return MetadataValue(bytes);
        var (parent, key, index) = leaves[rng.Next(leaves.Count)];
        var value = JsonBoundaries[rng.Next(JsonBoundaries.Length)]?.DeepClone();
        string what;
        if (parent is JsonObject o && key is not null)
        {
            if (rng.Next(8) == 0)
            {
                o.Remove(key);
                what = $"-{key}";
            }
            else
            {
                o[key] = value;
                what = $"{key}={value?.ToJsonString() ?? "null"}";
            }
        }
        else
        {
            ((JsonArray)parent)[index] = value;
            what = $"[{index}]={value?.ToJsonString() ?? "null"}";
        }
        metadata["model_config"] = config.ToJsonString();
        return ($"model_config {what}", Encode(root, data));
    }

    /// <summary>Header-level edits: a tensor removed, duplicated under another name, or __metadata__ replaced.</summary>
    private (string, byte[]) HeaderStructure(byte[] bytes)
    {
        var (root, data) = Header(bytes);
        var keys = root.Select(p => p.Key).ToArray();
        if (keys.Length == 0) return ("structure(empty)", bytes);
        string key = keys[rng.Next(keys.Length)];
        switch (rng.Next(4))
        {
            case 0:
                root.Remove(key);
                return ($"header -'{key}'", Encode(root, data));
            case 1:
                root[key + "_copy"] = root[key]?.DeepClone();
                return ($"header dup '{key}'", Encode(root, data));
            case 2:
                root["__metadata__"] = JsonBoundaries[rng.Next(JsonBoundaries.Length)]?.DeepClone();
                return ("header __metadata__=scalar", Encode(root, data));
            default:
                // Re-encode with the header length counting trailing spaces the format allows, or none of them.
                return ("header re-encode", Encode(root, data, padding: rng.Next(9)));
        }
    }

    private string MutateText(string text)
    {
        var chars = new StringBuilder(text);
        int edits = 1 + rng.Next(3);
        for (int i = 0; i < edits; i++)
        {
            int at = rng.Next(chars.Length + 1);
            switch (rng.Next(3))
            {
                case 0 when at < chars.Length: chars.Remove(at, 1); break;
                case 1 when at < chars.Length: chars[at] = (char)rng.Next(128); break;
                default: chars.Insert(at, "\\0x-9 u"[rng.Next(7)]); break;
            }
        }
        return chars.ToString();
    }

    private static void Collect(JsonNode node, List<(JsonNode, string?, int)> leaves)
    {
        if (node is JsonObject o)
        {
            foreach (var (key, child) in o.ToArray())
            {
                leaves.Add((o, key, -1));
                if (child is not null) Collect(child, leaves);
            }
        }
        else if (node is JsonArray a)
        {
            for (int i = 0; i < a.Count; i++)
            {
                leaves.Add((a, null, i));
                if (a[i] is { } child) Collect(child, leaves);
            }
        }
    }

    /// <summary>Offsets where a file's structure changes: the header length, the header, each tensor's bytes, UTF-8 sequences.</summary>
    private static List<int> Boundaries(byte[] bytes, FuzzFormat format) =>
        [.. StructuralOffsets(bytes, format).Select(at => Math.Clamp(at, 0, bytes.Length))]; // offsets in a mutated header may point anywhere

    private static List<int> StructuralOffsets(byte[] bytes, FuzzFormat format)
    {
        var cuts = new List<int> { 0, 1, bytes.Length, Math.Max(bytes.Length - 1, 0) };
        if (format == FuzzFormat.Corpus)
        {
            for (int i = 0; i < bytes.Length; i++) if ((bytes[i] & 0xC0) != 0x80) cuts.Add(i); // UTF-8 sequence starts
            return cuts;
        }
        cuts.AddRange([7, 8, 9]);
        if (!TryHeader(bytes, out int n, out var root)) return cuts;
        cuts.AddRange([8 + n - 1, 8 + n, 8 + n + 1]);
        foreach (var (_, value) in root!)
        {
            if (value is JsonObject tensor && tensor["data_offsets"] is JsonArray { Count: 2 } offsets
                && offsets[0] is JsonValue b && b.TryGetValue(out long begin) && offsets[1] is JsonValue e && e.TryGetValue(out long end))
            {
                cuts.Add((int)Math.Clamp(8 + n + begin, 0, bytes.Length));
                cuts.Add((int)Math.Clamp(8 + n + end, 0, bytes.Length));
            }
        }
        return cuts;
    }

    private static bool TryHeader(byte[] bytes, out int length, out JsonObject? root)
    {
        (length, root) = (0, null);
        if (bytes.Length < 8) return false;
        ulong n = BinaryPrimitives.ReadUInt64LittleEndian(bytes);
        if (n > (ulong)(bytes.Length - 8)) return false;
        length = (int)n;
        if (!System.Text.Unicode.Utf8.IsValid(bytes.AsSpan(8, length))) return false; // JsonNode would throw later, lazily
        try
        {
            root = JsonNode.Parse(bytes.AsSpan(8, length)) as JsonObject;
            if (root is not null) Materialise(root); // JsonNode builds objects lazily: duplicate names fail here, not later
        }
        catch (Exception e) when (e is JsonException or InvalidOperationException or ArgumentException)
        {
            return false;
        }
        return root is not null;
    }

    private static void Materialise(JsonNode node)
    {
        if (node is JsonObject o) foreach (var (_, child) in o) { if (child is not null) Materialise(child); }
        else if (node is JsonArray a) foreach (var child in a) { if (child is not null) Materialise(child); }
    }

    private static (JsonObject Root, byte[] Data) Header(byte[] bytes)
    {
        TryHeader(bytes, out int n, out var root);
        return (root ?? [], bytes[(8 + n)..]);
    }

    private static byte[] Encode(JsonObject root, byte[] data, int padding = 0)
    {
        byte[] json = Encoding.UTF8.GetBytes(root.ToJsonString() + new string(' ', padding));
        var result = new byte[8 + json.Length + data.Length];
        BinaryPrimitives.WriteUInt64LittleEndian(result, (ulong)json.Length);
        json.CopyTo(result, 8);
        data.CopyTo(result, 8 + json.Length);
        return result;
    }

    /// <summary>For reports: the input as base64.</summary>
    public static string Base64(byte[] bytes) => Convert.ToBase64String(bytes);

    /// <summary>Invariant formatting for reports.</summary>
    public static string Number(double value) => value.ToString("0.##", CultureInfo.InvariantCulture);
}
