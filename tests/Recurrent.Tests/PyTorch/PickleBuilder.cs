using System.IO.Compression;
using System.Text;

namespace Recurrent.Tests.PyTorch;

/// <summary>
/// Writes pickle opcodes by hand, one method per opcode (byte values from CPython's <c>Lib/pickletools.py</c>), and
/// packs them as torch.save does: a zip of <c>&lt;root&gt;/data.pkl</c>, <c>&lt;root&gt;/data/&lt;key&gt;</c> and
/// <c>&lt;root&gt;/version</c>, stored uncompressed.
/// </summary>
internal sealed class PickleBuilder
{
    private readonly List<byte> _bytes = [];

    public int Length => _bytes.Count;

    public PickleBuilder Proto(byte version) => Op(0x80, version);              // PROTO n
    public PickleBuilder Stop() => Op((byte)'.');                                // STOP
    public PickleBuilder Mark() => Op((byte)'(');                                // MARK
    public PickleBuilder EmptyDict() => Op((byte)'}');                           // EMPTY_DICT
    public PickleBuilder EmptyTuple() => Op((byte)')');                          // EMPTY_TUPLE
    public PickleBuilder Tuple() => Op((byte)'t');                               // TUPLE: the items since MARK
    public PickleBuilder Tuple2() => Op(0x86);                                   // TUPLE2: the top two
    public PickleBuilder SetItems() => Op((byte)'u');                            // SETITEMS: key/value pairs since MARK into the dict below
    public PickleBuilder Reduce() => Op((byte)'R');                              // REDUCE: callable(*args)
    public PickleBuilder BinPersId() => Op((byte)'Q');                           // BINPERSID: persistent_load(top)
    public PickleBuilder NewFalse() => Op(0x89);                                 // NEWFALSE
    public PickleBuilder BinPut(byte slot) => Op((byte)'q', slot);               // BINPUT: memo[slot] = top
    public PickleBuilder BinGet(byte slot) => Op((byte)'h', slot);               // BINGET: push memo[slot]
    public PickleBuilder Int1(byte value) => Op((byte)'K', value);              // BININT1
    public PickleBuilder Long1(byte value) => Op(0x8a, 1, value);                // LONG1 with one byte
    public PickleBuilder Raw(params byte[] bytes) { _bytes.AddRange(bytes); return this; }

    /// <summary>SHORT_BINUNICODE: a length byte and UTF-8.</summary>
    public PickleBuilder String(string text)
    {
        var utf8 = Encoding.UTF8.GetBytes(text);
        return Op(0x8c, (byte)utf8.Length).Raw(utf8);
    }

    /// <summary>GLOBAL: <c>module\nname\n</c>.</summary>
    public PickleBuilder Global(string module, string name) => Op((byte)'c').Raw(Encoding.ASCII.GetBytes($"{module}\n{name}\n"));

    /// <summary>The persistent id of a storage, <c>('storage', torch.&lt;type&gt;, key, 'cpu', numel)</c>, then BINPERSID.</summary>
    public PickleBuilder Storage(string type, string key, byte count) =>
        Mark().String("storage").Global("torch", type).String(key).String("cpu").Long1(count).Tuple().BinPersId();

    /// <summary>A tuple of small integers: MARK, BININT1…, TUPLE.</summary>
    public PickleBuilder Ints(params byte[] values)
    {
        Mark();
        foreach (byte v in values) Int1(v);
        return Tuple();
    }

    public byte[] ToArray() => [.. _bytes];

    /// <summary>A torch.save archive holding this pickle and the storages.</summary>
    public byte[] ToArchive(params (string Key, byte[] Bytes)[] storages) => Archive(ToArray(), storages);

    public static byte[] Archive(byte[] pickle, params (string Key, byte[] Bytes)[] storages)
    {
        var stream = new MemoryStream();
        using (var zip = new ZipArchive(stream, ZipArchiveMode.Create, leaveOpen: true))
        {
            Add(zip, "archive/data.pkl", pickle);
            foreach (var (key, bytes) in storages) Add(zip, $"archive/data/{key}", bytes);
            Add(zip, "archive/version", Encoding.ASCII.GetBytes("3\n"));
        }
        return stream.ToArray();
    }

    private static void Add(ZipArchive zip, string name, byte[] bytes)
    {
        using var entry = zip.CreateEntry(name, CompressionLevel.NoCompression).Open();
        entry.Write(bytes);
    }

    private PickleBuilder Op(params byte[] bytes) => Raw(bytes);
}
