using System.Runtime.InteropServices;
using Recurrent.PyTorch;

namespace Recurrent.Tests.PyTorch;

/// <summary>
/// The torch.save reader: a pickle is rebuilt as values, tensor views with their storage offset and strides, and any
/// global, opcode or damage a state_dict does not have is refused in one line naming the file.
/// </summary>
public sealed class RestrictedUnpicklerTests
{
    /// <summary>Storage "0": the float32 numbers 0, 1, …, 11.</summary>
    private static readonly byte[] Twelve = MemoryMarshal.AsBytes(Enumerable.Range(0, 12).Select(i => (float)i).ToArray().AsSpan()).ToArray();

    /// <summary>
    /// <c>{'t': view}</c> where view = _rebuild_tensor_v2(storage '0' (12 floats), offset, size, stride, False, OrderedDict()),
    /// the rebuild function memoised in slot 0 as torch.save does.
    /// </summary>
    private static PickleBuilder OneTensor(byte offset, byte[] size, byte[] stride, string storageType = "FloatStorage", byte count = 12) =>
        new PickleBuilder().Proto(2)
            .EmptyDict().Mark()
            .String("t")
            .Global("torch._utils", "_rebuild_tensor_v2").BinPut(0)
            .Mark()
                .Storage(storageType, "0", count)
                .Int1(offset).Ints(size).Ints(stride).NewFalse()
                .Global("collections", "OrderedDict").EmptyTuple().Reduce()
            .Tuple().Reduce()
            .SetItems().Stop();

    [Fact]
    public void A_strided_view_with_a_storage_offset_is_read_element_by_element()
    {
        // size (3, 2), stride (1, 4), offset 1: t[i, j] = storage[1 + i + 4j], a transposed slice of a (3, 4) matrix.
        var file = PyTorchStateDict.Parse(OneTensor(1, [3, 2], [1, 4]).ToArchive(("0", Twelve)), "view.pt");
        var t = Assert.Single(file).Value;
        Assert.Equal([3, 2], t.Shape.ToArray());
        Assert.Equal([1f, 5, 2, 6, 3, 7], t.ToArray());
    }

    /// <summary>
    /// Written by real PyTorch 1.13 (torch.save to a buffer, then base64):
    /// <code>
    /// base = torch.arange(12.).reshape(3, 4)
    /// torch.save({'t': base.t(), 's': base[1:, 1:], 'h': torch.tensor([0.5, -1.25, 3.0]).half(),
    ///             'b': torch.tensor([0.5, -1.25, 3.0]).bfloat16()}, buffer)
    /// </code>
    /// t and s are views of one storage (t with strides (1, 4), s at offset 5); h and b are float16 and bfloat16.
    /// </summary>
    private const string TorchViews =
        "UEsDBAAACAgAAAAAAAAAAAAAAAAAAAAAAAAQABIAYXJjaGl2ZS9kYXRhLnBrbEZCDgBaWlpaWlpaWlpaWlpaWoACfXEAKFgBAAAAdHEBY3RvcmNoLl91dGlscwpfcmVidWlsZF90ZW5zb3JfdjIKcQ" +
        "IoKFgHAAAAc3RvcmFnZXEDY3RvcmNoCkZsb2F0U3RvcmFnZQpxBFgBAAAAMHEFWAMAAABjcHVxBksMdHEHUUsASwRLA4ZxCEsBSwSGcQmJY2NvbGxlY3Rpb25zCk9yZGVyZWREaWN0CnEKKVJxC3Rx" +
        "DFJxDVgBAAAAc3EOaAIoKGgDaARoBWgGSwx0cQ9RSwVLAksDhnEQSwRLAYZxEYloCilScRJ0cRNScRRYAQAAAGhxFWgCKChoA2N0b3JjaApIYWxmU3RvcmFnZQpxFlgBAAAAMXEXaAZLA3RxGFFLAE" +
        "sDhXEZSwGFcRqJaAopUnEbdHEcUnEdWAEAAABicR5oAigoaANjdG9yY2gKQkZsb2F0MTZTdG9yYWdlCnEfWAEAAAAycSBoBksDdHEhUUsASwOFcSJLAYVxI4loCilScSR0cSVScSZ1LlBLBwiwlsav" +
        "egEAAHoBAABQSwMEAAAICAAAAAAAAAAAAAAAAAAAAAAAAA4ACgBhcmNoaXZlL2RhdGEvMEZCBgBaWlpaWloAAAAAAACAPwAAAEAAAEBAAACAQAAAoEAAAMBAAADgQAAAAEEAABBBAAAgQQAAMEFQSw" +
        "cIeH1mPjAAAAAwAAAAUEsDBAAACAgAAAAAAAAAAAAAAAAAAAAAAAAOABQAYXJjaGl2ZS9kYXRhLzFGQhAAWlpaWlpaWlpaWlpaWlpaWgA4AL0AQlBLBwgbH8d1BgAAAAYAAABQSwMEAAAICAAAAAAA" +
        "AAAAAAAAAAAAAAAAAA4APgBhcmNoaXZlL2RhdGEvMkZCOgBaWlpaWlpaWlpaWlpaWlpaWlpaWlpaWlpaWlpaWlpaWlpaWlpaWlpaWlpaWlpaWlpaWlpaWlpaWlpaAD+gv0BAUEsHCEkgf5cGAAAABg" +
        "AAAFBLAwQAAAgIAAAAAAAAAAAAAAAAAAAAAAAADwA9AGFyY2hpdmUvdmVyc2lvbkZCOQBaWlpaWlpaWlpaWlpaWlpaWlpaWlpaWlpaWlpaWlpaWlpaWlpaWlpaWlpaWlpaWlpaWlpaWlpaWlozClBL" +
        "BwjRnmdVAgAAAAIAAABQSwECAAAAAAgIAAAAAAAAsJbGr3oBAAB6AQAAEAAAAAAAAAAAAAAAAAAAAAAAYXJjaGl2ZS9kYXRhLnBrbFBLAQIAAAAACAgAAAAAAAB4fWY+MAAAADAAAAAOAAAAAAAAAA" +
        "AAAAAAAMoBAABhcmNoaXZlL2RhdGEvMFBLAQIAAAAACAgAAAAAAAAbH8d1BgAAAAYAAAAOAAAAAAAAAAAAAAAAAEACAABhcmNoaXZlL2RhdGEvMVBLAQIAAAAACAgAAAAAAABJIH+XBgAAAAYAAAAO" +
        "AAAAAAAAAAAAAAAAAJYCAABhcmNoaXZlL2RhdGEvMlBLAQIAAAAACAgAAAAAAADRnmdVAgAAAAIAAAAPAAAAAAAAAAAAAAAAABYDAABhcmNoaXZlL3ZlcnNpb25QSwYGLAAAAAAAAAAeAy0AAAAAAA" +
        "AAAAAFAAAAAAAAAAUAAAAAAAAALwEAAAAAAACSAwAAAAAAAFBLBgcAAAAAwQQAAAAAAAABAAAAUEsFBgAAAAAFAAUALwEAAJIDAAAAAA==";

    [Fact]
    public void Views_half_and_bfloat16_tensors_saved_by_torch_are_read_as_torch_defines_them()
    {
        var file = PyTorchStateDict.Parse(Convert.FromBase64String(TorchViews), "views.pt");
        Assert.Equal(["t", "s", "h", "b"], file.Keys.ToArray());
        Assert.Equal([4, 3], file["t"].Shape.ToArray());
        Assert.Equal([0f, 4, 8, 1, 5, 9, 2, 6, 10, 3, 7, 11], file["t"].ToArray()); // t[i, j] = base[j, i] = 4j + i
        Assert.Equal([2, 3], file["s"].Shape.ToArray());
        Assert.Equal([5f, 6, 7, 9, 10, 11], file["s"].ToArray());
        Assert.Equal([0.5f, -1.25f, 3f], file["h"].ToArray());  // exact in both 16-bit formats
        Assert.Equal([0.5f, -1.25f, 3f], file["b"].ToArray());
    }

    [Fact]
    public void Tensors_sharing_a_storage_a_double_storage_and_a_parameter_are_read()
    {
        var doubles = MemoryMarshal.AsBytes(new double[] { 0.5, -2.25 }.AsSpan()).ToArray();
        var pickle = new PickleBuilder().Proto(2)
            .EmptyDict().Mark()
            .String("a").Global("torch._utils", "_rebuild_tensor_v2").BinPut(0)
                .Mark().Storage("FloatStorage", "0", 12).BinPut(1).Int1(8).Ints(2, 2).Ints(2, 1).NewFalse().Global("collections", "OrderedDict").EmptyTuple().Reduce().Tuple().Reduce()
            .String("b").BinGet(0)
                .Mark().BinGet(1).Int1(0).Ints(4).Ints(3).NewFalse().Global("collections", "OrderedDict").EmptyTuple().Reduce().Tuple().Reduce()
            .String("c").Global("torch._utils", "_rebuild_parameter")
                .Mark()
                    .BinGet(0).Mark().Storage("DoubleStorage", "1", 2).Int1(0).Ints(2).Ints(1).NewFalse().Global("collections", "OrderedDict").EmptyTuple().Reduce().Tuple().Reduce()
                    .NewFalse().Global("collections", "OrderedDict").EmptyTuple().Reduce()
                .Tuple().Reduce()
            .SetItems().Stop();
        var file = PyTorchStateDict.Parse(pickle.ToArchive(("0", Twelve), ("1", doubles)), "shared.pt");
        Assert.Equal(["a", "b", "c"], file.Keys.ToArray());
        Assert.Equal([8f, 9, 10, 11], file["a"].ToArray());   // contiguous (2, 2) at offset 8
        Assert.Equal([0f, 3, 6, 9], file["b"].ToArray());     // every third element of the same storage
        Assert.Equal([0.5f, -2.25f], file["c"].ToArray());    // float64, through _rebuild_parameter
    }

    [Fact]
    public void Evil_pt_is_refused_naming_the_global_and_running_nothing()
    {
        var e = Assert.Throws<InvalidDataException>(() => PyTorchStateDict.Read(Path.Combine(TorchFixture.Folder, "evil.pt")));
        Assert.Equal("evil.pt: data.pkl: global 'posix.system' is not allowed; a state_dict holds only tensors (refusing to run pickle code).", e.Message);
    }

    [Fact]
    public void A_stack_global_outside_the_allowed_ones_is_refused()
    {
        var pickle = new PickleBuilder().Proto(4).String("builtins").String("eval").Raw(0x93).Stop(); // STACK_GLOBAL
        AssertOneLine(Assert.Throws<InvalidDataException>(() => PyTorchStateDict.Parse(PickleBuilder.Archive(pickle.ToArray()), "x.pt")),
            "x.pt: data.pkl: global 'builtins.eval' is not allowed");
    }

    [Fact]
    public void An_unknown_opcode_is_refused()
    {
        var pickle = new PickleBuilder().Proto(2).EmptyDict().Raw((byte)'i').Stop(); // INST, which imports and calls a class
        AssertOneLine(Assert.Throws<InvalidDataException>(() => PyTorchStateDict.Parse(PickleBuilder.Archive(pickle.ToArray()), "x.pt")),
            "x.pt: data.pkl: at byte 3: opcode 0x69 ('i') is not supported");
    }

    [Fact]
    public void A_truncated_pickle_is_refused()
    {
        var whole = OneTensor(0, [12], [1]).ToArray();
        var cut = whole[..(whole.Length - 2)]; // without SETITEMS and STOP
        AssertOneLine(Assert.Throws<InvalidDataException>(() => PyTorchStateDict.Parse(PickleBuilder.Archive(cut, ("0", Twelve)), "cut.pt")),
            "cut.pt: data.pkl: truncated");
    }

    [Fact]
    public void A_truncated_archive_is_refused()
    {
        var bytes = File.ReadAllBytes(TorchFixture.Load("tagger_lstm").PathOf("pt"));
        AssertOneLine(Assert.Throws<InvalidDataException>(() => PyTorchStateDict.Parse(bytes[..(bytes.Length / 2)], "half.pt")), "half.pt: ");
        var safetensors = File.ReadAllBytes(TorchFixture.Load("tagger_lstm").PathOf("safetensors"));
        AssertOneLine(Assert.Throws<InvalidDataException>(() => PyTorchStateDict.Parse(safetensors[..(safetensors.Length - 7)], "half.safetensors")), "half.safetensors");
    }

    [Fact]
    public void A_storage_shorter_than_its_elements_is_refused()
    {
        AssertOneLine(Assert.Throws<InvalidDataException>(() => PyTorchStateDict.Parse(OneTensor(0, [12], [1]).ToArchive(("0", Twelve[..40])), "short.pt")),
            "short.pt: truncated: storage '0' holds 40 bytes; its 12 float32 elements need 48");
    }

    [Fact]
    public void A_view_reaching_past_its_storage_is_refused()
    {
        // size (3, 2), stride (1, 4), offset 5: the last element is storage[5 + 2 + 4] = storage[11] … offset 6 reads [12].
        AssertOneLine(Assert.Throws<InvalidDataException>(() => PyTorchStateDict.Parse(OneTensor(6, [3, 2], [1, 4]).ToArchive(("0", Twelve)), "far.pt")),
            "far.pt: tensor 't' of shape (3, 2) (offset 6, strides (1, 4)) reads element 12 of a storage of 12");
    }

    [Fact]
    public void An_integer_tensor_is_named_and_refused()
    {
        var longs = MemoryMarshal.AsBytes(new long[] { 7 }.AsSpan()).ToArray();
        AssertOneLine(Assert.Throws<InvalidDataException>(() => PyTorchStateDict.Parse(OneTensor(0, [1], [1], "LongStorage", 1).ToArchive(("0", longs)), "bn.pt")),
            "bn.pt: tensor 't' holds int64; only floating-point tensors");
    }

    [Fact]
    public void Other_formats_are_refused_in_one_line()
    {
        AssertOneLine(Assert.Throws<InvalidDataException>(() => PyTorchStateDict.Parse("hello, world"u8.ToArray(), "notes.txt")), "notes.txt: neither a torch.save archive");
        var legacy = Assert.Throws<NotSupportedException>(() => PyTorchStateDict.Parse([0x80, 0x02, 0x8a, 0x0a, 0x6c, 0xfc, 0x9c, 0x46, 0xf9, 0x20, 0x6a, 0xa8, 0x50, 0x19], "old.pt"));
        Assert.StartsWith("old.pt: this is PyTorch's legacy torch.save format", legacy.Message);
        var list = new PickleBuilder().Proto(2).Raw((byte)']').Stop(); // a list, not a state_dict
        AssertOneLine(Assert.Throws<InvalidDataException>(() => PyTorchStateDict.Parse(PickleBuilder.Archive(list.ToArray()), "list.pt")), "list.pt: data.pkl holds a list; expected a state_dict");
    }

    private static void AssertOneLine(Exception e, string expectedStart)
    {
        Assert.StartsWith(expectedStart, e.Message);
        Assert.DoesNotContain('\n', e.Message);
    }
}
