using System.IO.Compression;
using Recurrent.Tensors;

namespace Recurrent.PyTorch;

/// <summary>
/// Reads a state_dict saved by <c>torch.save</c> (PyTorch ≥ 1.6): a zip archive, stored uncompressed, whose records
/// sit under one root folder (the file's stem, or <c>archive</c>):
/// <code>
/// &lt;root&gt;/data.pkl     the pickle of the state_dict, tensors as views of storages (read by RestrictedUnpickler)
/// &lt;root&gt;/data/&lt;key&gt;  each storage's raw elements, little-endian
/// &lt;root&gt;/version      the format version (1 to 3)
/// &lt;root&gt;/byteorder    "little" (written by PyTorch ≥ 2.1; absent means little)
/// </code>
/// </summary>
internal static class TorchArchive
{
    /// <summary>The zip's local-file-header signature, <c>PK\x03\x04</c>.</summary>
    public static bool IsZip(ReadOnlySpan<byte> head) => head.Length >= 4 && head[0] == 'P' && head[1] == 'K' && head[2] == 3 && head[3] == 4;

    /// <summary>Reads the archive's tensors, in the state_dict's order.</summary>
    /// <param name="bytes">The whole file.</param>
    /// <param name="file">The file's name, for messages.</param>
    /// <returns>Name → float tensor.</returns>
    public static List<KeyValuePair<string, Tensor<float>>> Read(byte[] bytes, string file)
    {
        ZipArchive zip;
        try
        {
            zip = new ZipArchive(new MemoryStream(bytes, writable: false), ZipArchiveMode.Read);
        }
        catch (InvalidDataException e)
        {
            throw new InvalidDataException($"{file}: not a readable torch.save archive (truncated or corrupt zip: {OneLine(e.Message)})", e);
        }
        using (zip)
        {
            var pickle = zip.Entries.Where(e => e.FullName.EndsWith("/data.pkl", StringComparison.Ordinal) && e.FullName.Count(c => c == '/') == 1).ToList();
            if (pickle.Count != 1) throw new InvalidDataException($"{file}: a torch.save archive has one <root>/data.pkl; this zip has {pickle.Count}.");
            string root = pickle[0].FullName[..^"data.pkl".Length];
            if (zip.GetEntry(root + "byteorder") is { } order && ReadEntry(order, file, 16) is var text && System.Text.Encoding.ASCII.GetString(text).Trim() != "little")
            {
                throw new InvalidDataException($"{file}: the storages are {System.Text.Encoding.ASCII.GetString(text).Trim()}-endian; only little-endian archives are read.");
            }

            var storages = new Dictionary<string, TorchStorage>(StringComparer.Ordinal);
            TorchStorage Load(string key, TorchDType dtype, long count)
            {
                if (storages.TryGetValue(key, out var known)) return known.DType == dtype ? known : throw new InvalidDataException($"{file}: data.pkl: storage '{key}' is named as {TorchDTypes.Name(known.DType)} and as {TorchDTypes.Name(dtype)}.");
                var entry = zip.GetEntry($"{root}data/{key}") ?? throw new InvalidDataException($"{file}: the pickle names storage '{key}' but the archive has no record {root}data/{key}.");
                int size = TorchDTypes.Size(dtype);
                if (count > entry.Length / size) throw new InvalidDataException($"{file}: truncated: storage '{key}' holds {entry.Length} bytes; its {count} {TorchDTypes.Name(dtype)} elements need {(count > long.MaxValue / size ? "more" : count * size)}.");
                long needed = count * size;
                var storage = new TorchStorage(key, dtype, count, ReadEntry(entry, file, needed));
                storages[key] = storage;
                return storage;
            }

            var data = ReadEntry(pickle[0], file, 1L << 30);
            var value = new RestrictedUnpickler(data, $"{file}: data.pkl", Load).Load();
            if (value is not PickleDict dict) throw new InvalidDataException($"{file}: data.pkl holds {PickleDescribe.Of(value)}; expected a state_dict (a dict of tensors), as torch.save(model.state_dict(), path) writes.");
            var tensors = new List<KeyValuePair<string, Tensor<float>>>(dict.Entries.Count);
            foreach (var (key, item) in dict.Entries)
            {
                if (key is not string name) throw new InvalidDataException($"{file}: data.pkl: a key is {PickleDescribe.Of(key)}; a state_dict's keys are strings.");
                if (item is not TorchTensorRef view) throw new InvalidDataException($"{file}: data.pkl: '{name}' is {PickleDescribe.Of(item)}; a state_dict maps names to tensors (save model.state_dict(), not the model or a checkpoint dict).");
                tensors.Add(new(name, TorchTensors.ToFloat(view, name, file)));
            }
            return tensors;
        }
    }

    /// <summary>Reads at most <paramref name="limit"/> bytes of a record, turning a corrupt record into a one-line error.</summary>
    private static byte[] ReadEntry(ZipArchiveEntry entry, string file, long limit)
    {
        try
        {
            long length = Math.Min(entry.Length, limit);
            if (length > Array.MaxLength) throw new InvalidDataException($"{file}: record {entry.FullName} is too large.");
            var bytes = new byte[length];
            using var stream = entry.Open();
            stream.ReadExactly(bytes);
            return bytes;
        }
        catch (Exception e) when (e is InvalidDataException or EndOfStreamException or IOException && e.Message is var m && !m.StartsWith(file, StringComparison.Ordinal))
        {
            throw new InvalidDataException($"{file}: record {entry.FullName} is truncated or corrupt ({OneLine(e.Message)})", e);
        }
    }

    private static string OneLine(string message) => message.ReplaceLineEndings(" ").Trim();
}
