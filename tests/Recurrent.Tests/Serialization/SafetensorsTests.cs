using System.Buffers.Binary;
using System.Text;
using Recurrent.Serialization;
using Recurrent.Tensors;

namespace Recurrent.Tests.Serialization;

public class SafetensorsTests
{
    private static readonly float[] SpecialFloats =
        [0f, -0f, 1.5f, float.Epsilon, float.MaxValue, float.NegativeInfinity, BitConverter.Int32BitsToSingle(0x7FC0_1234), 3.14159f, -2.5e-30f];

    private static readonly double[] SpecialDoubles =
        [0, -0.0, double.Epsilon, double.MinValue, double.PositiveInfinity, BitConverter.Int64BitsToDouble(0x7FF8_0000_0000_ABCD), Math.PI];

    [Fact]
    public void RoundTripIsBitExact()
    {
        using var folder = new TemporaryFolder();
        string path = folder.File("weights.safetensors");
        var f32 = Tensor.FromArray<float>(SpecialFloats, 3, 3);
        var f64 = Tensor.FromArray<double>(SpecialDoubles, 7);
        var scalar = Tensor.FromArray<float>([42f]).Reshape();
        var empty = new Tensor<float>(0, 3);
        var writer = new SafetensorsWriter().Add("rnn.weight_ih_l0", f32).Add("big", f64).Add("scalar", scalar).Add("empty", empty);
        writer.Metadata["model_config"] = "{\"hidden\": 4, \"name\": \"café\"}";
        writer.Save(path);

        var file = SafetensorsFile.Read(path);
        Assert.Equal(BitsOf(f32), BitsOf(file.Get<float>("rnn.weight_ih_l0")));
        Assert.Equal(f64.ToArray().Select(BitConverter.DoubleToInt64Bits), file.Get<double>("big").ToArray().Select(BitConverter.DoubleToInt64Bits));
        Assert.True(file.Get<float>("scalar").HasShape([]));
        Assert.Equal(42f, file.Get<float>("scalar")[0]);
        Assert.True(file.Get<float>("empty").HasShape([0, 3]));
        Assert.Equal(writer.Metadata, file.Metadata);
        Assert.Equal(SafetensorsDType.F64, file.Entry("big").DType);
        Assert.Equal([3, 3], file.Entry("rnn.weight_ih_l0").Shape);
    }

    [Fact]
    public void LayoutFollowsTheSpecification()
    {
        var writer = new SafetensorsWriter()
            .Add("z.f32", Tensor.FromArray<float>([1, 2, 3], 3))
            .Add("a.f32", Tensor.FromArray<float>([4], 1))
            .Add("m.f64", Tensor.FromArray<double>([5, 6], 2));
        byte[] bytes = writer.ToArray();
        ulong n = BinaryPrimitives.ReadUInt64LittleEndian(bytes);
        Assert.Equal(0UL, (8 + n) % 8);                                  // data aligned to 8 bytes
        string header = Encoding.UTF8.GetString(bytes, 8, (int)n);
        Assert.StartsWith("{", header);
        Assert.Equal(header.TrimEnd(' ').Length, header.TrimEnd().Length); // padded with spaces only
        Assert.Equal(2 * 8 + 4 * 4, bytes.Length - 8 - (int)n);          // no gaps, nothing trailing
        var file = SafetensorsFile.Parse(bytes);
        // Largest element type first, then by name: each tensor aligned to its element size.
        Assert.Equal(["m.f64", "a.f32", "z.f32"], file.Entries.Select(e => e.Name));
        Assert.Equal([0L, 16, 20], file.Entries.Select(e => e.Begin));
        // Insertion order does not change the bytes.
        var reversed = new SafetensorsWriter()
            .Add("m.f64", Tensor.FromArray<double>([5, 6], 2))
            .Add("a.f32", Tensor.FromArray<float>([4], 1))
            .Add("z.f32", Tensor.FromArray<float>([1, 2, 3], 3));
        Assert.Equal(bytes, reversed.ToArray());
    }

    /// <summary>A file written by hand from the specification (no padding, unaligned data, four dtypes) parses.</summary>
    [Fact]
    public void HandBuiltFileFromTheSpecificationParses()
    {
        string header = """{"__metadata__":{"format":"pt"},"b":{"dtype":"F16","shape":[2],"data_offsets":[16,20]},"a":{"dtype":"F32","shape":[2,2],"data_offsets":[0,16]},"c":{"dtype":"BF16","shape":[1],"data_offsets":[20,22]},"n":{"dtype":"I64","shape":[],"data_offsets":[22,30]}}""";
        var data = new List<byte>();
        foreach (float v in new[] { 1f, 2f, -3f, 0.25f }) data.AddRange(BitConverter.GetBytes(v));
        data.AddRange([0x00, 0x38, 0x00, 0xC0]); // F16 0.5 and −2
        data.AddRange([0xC0, 0x3F]);             // BF16 1.5 (upper half of 0x3FC00000)
        data.AddRange(BitConverter.GetBytes(7L));
        var file = SafetensorsFile.Parse(Build(header, [.. data]), "hand.safetensors");

        Assert.Equal("pt", file.Metadata["format"]);
        Assert.Equal([1f, 2f, -3f, 0.25f], file.Get<float>("a").ToArray());
        Assert.Equal([1.0, 2.0, -3.0, 0.25], file.Get<double>("a").ToArray());
        Assert.Equal([0.5, -2.0], file.Get<double>("b").ToArray());
        Assert.Equal(1.5f, file.Get<float>("c")[0]);
        var e = Assert.Throws<InvalidDataException>(() => file.Get<float>("n"));
        Assert.Equal("hand.safetensors: tensor 'n' is I64; only F64, F32, F16 and BF16 tensors can be read as Single.", e.Message);
        Assert.Throws<KeyNotFoundException>(() => file.Get<float>("missing"));
    }

    [Fact]
    public void TruncatedFilesAreRejectedWithTheFileName()
    {
        byte[] whole = new SafetensorsWriter().Add("w", Tensor.FromArray<float>([1, 2, 3, 4], 2, 2)).ToArray();
        int headerEnd = 8 + (int)BinaryPrimitives.ReadUInt64LittleEndian(whole);
        foreach (int cut in new[] { 0, 5, 8, 20, headerEnd - 1, headerEnd, whole.Length - 1 })
        {
            var e = Assert.Throws<InvalidDataException>(() => SafetensorsFile.Parse(whole[..cut], "run/ckpt.safetensors"));
            Assert.StartsWith("run/ckpt.safetensors: truncated", e.Message);
            Assert.DoesNotContain('\n', e.Message);
        }
    }

    [Theory]
    [InlineData("not json", 0, "does not start with '{'")]
    [InlineData("{\"a\": ", 0, "not valid JSON")]
    [InlineData("""{"a":{"dtype":"F32","shape":[1],"data_offsets":[0,4]},"a":{"dtype":"F32","shape":[1],"data_offsets":[4,8]}}""", 8, "names 'a' twice")]
    [InlineData("""{"a":{"dtype":"F128","shape":[1],"data_offsets":[0,16]}}""", 16, "unknown dtype 'F128'")]
    [InlineData("""{"a":{"dtype":"F32","shape":[-1],"data_offsets":[0,4]}}""", 4, "shape entry -1; expected a non-negative integer")]
    [InlineData("""{"a":{"dtype":"F32","shape":[1]}}""", 4, "has no data_offsets array")]
    [InlineData("""{"a":{"dtype":"F32","shape":[3],"data_offsets":[0,8]}}""", 8, "is F32 (3), 12 bytes, but its data_offsets [0, 8) span 8")]
    [InlineData("""{"a":{"dtype":"F64","shape":[2],"data_offsets":[0,16]}}""", 8, "truncated: tensor 'a' ends at data byte 16 but the data section has 8 bytes")]
    [InlineData("""{"a":{"dtype":"F32","shape":[2],"data_offsets":[8,0]}}""", 8, "expected [begin, end] with begin ≤ end")]
    [InlineData("""{"a":{"dtype":"F32","shape":[2],"data_offsets":[0,8]},"b":{"dtype":"F32","shape":[2],"data_offsets":[4,12]}}""", 12, "tensors 'a' [0, 8) and 'b' [4, 12) overlap")]
    [InlineData("""{"a":{"dtype":"F32","shape":[1],"data_offsets":[0,4]},"b":{"dtype":"F32","shape":[1],"data_offsets":[8,12]}}""", 12, "data bytes [4, 8) belong to no tensor")]
    [InlineData("""{"a":{"dtype":"F32","shape":[1],"data_offsets":[0,4]}}""", 12, "8 bytes after the last tensor belong to no tensor")]
    [InlineData("""{"__metadata__":{"step":3}}""", 0, "__metadata__ entry 'step' is a JSON Number; expected a string")]
    [InlineData("""{"a":[1,2]}""", 0, "tensor 'a' is a JSON Array")]
    public void CorruptHeadersAreRejectedWithTheProblem(string header, int dataBytes, string problem)
    {
        var e = Assert.Throws<InvalidDataException>(() => SafetensorsFile.Parse(Build(header, new byte[dataBytes]), "bad.safetensors"));
        Assert.StartsWith("bad.safetensors: ", e.Message);
        Assert.Contains(problem, e.Message);
        Assert.DoesNotContain('\n', e.Message);
    }

    [Fact]
    public void AHugeHeaderLengthIsRejectedBeforeAllocating()
    {
        byte[] bytes = new byte[16];
        BinaryPrimitives.WriteUInt64LittleEndian(bytes, ulong.MaxValue);
        Assert.Contains("beyond the format's limit", Assert.Throws<InvalidDataException>(() => SafetensorsFile.Parse(bytes)).Message);
    }

    [Fact]
    public void AFailedWriteLeavesThePreviousFileIntact()
    {
        using var folder = new TemporaryFolder();
        string path = folder.File("model.safetensors");
        var first = new SafetensorsWriter().Add("w", Tensor.FromArray<float>([1, 2, 3], 3));
        first.Save(path);
        byte[] before = File.ReadAllBytes(path);

        var second = new SafetensorsWriter().Add("w", Tensor.Full(9f, 1000));
        // The disk "fills up" after 100 bytes of the new file.
        Assert.Throws<IOException>(() => AtomicFile.Write(path, stream => second.WriteTo(new FailingStream(stream, 100))));
        Assert.Equal(before, File.ReadAllBytes(path));
        Assert.Equal(["model.safetensors"], folder.Files());

        second.Save(path);
        Assert.Equal(1000, SafetensorsFile.Read(path).Get<float>("w").Length);
        Assert.Equal(["model.safetensors"], folder.Files());
    }

    [Fact]
    public void WriterRejectsDuplicateAndReservedNames()
    {
        var writer = new SafetensorsWriter().Add("w", new Tensor<float>(1));
        Assert.Throws<ArgumentException>(() => writer.Add("w", new Tensor<double>(1)));
        Assert.Throws<ArgumentException>(() => writer.Add("__metadata__", new Tensor<float>(1)));
        Assert.Throws<ArgumentException>(() => writer.Add("", new Tensor<float>(1)));
    }

    private static byte[] Build(string header, byte[] data)
    {
        byte[] json = Encoding.UTF8.GetBytes(header);
        var bytes = new byte[8 + json.Length + data.Length];
        BinaryPrimitives.WriteUInt64LittleEndian(bytes, (ulong)json.Length);
        json.CopyTo(bytes, 8);
        data.CopyTo(bytes, 8 + json.Length);
        return bytes;
    }

    private static int[] BitsOf(Tensor<float> t) => t.ToArray().Select(BitConverter.SingleToInt32Bits).ToArray();

    /// <summary>Passes writes through until a byte budget is spent, then fails as a full disk would.</summary>
    private sealed class FailingStream(Stream inner, long budget) : Stream
    {
        private long _written;

        public override bool CanRead => false;
        public override bool CanSeek => false;
        public override bool CanWrite => true;
        public override long Length => _written;
        public override long Position { get => _written; set => throw new NotSupportedException(); }

        public override void Write(byte[] buffer, int offset, int count) => Write(buffer.AsSpan(offset, count));

        public override void Write(ReadOnlySpan<byte> buffer)
        {
            if (_written + buffer.Length > budget)
            {
                inner.Write(buffer[..(int)(budget - _written)]);
                throw new IOException("No space left on device.");
            }
            inner.Write(buffer);
            _written += buffer.Length;
        }

        public override void Flush() => inner.Flush();
        public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();
        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
        public override void SetLength(long value) => throw new NotSupportedException();
    }
}
