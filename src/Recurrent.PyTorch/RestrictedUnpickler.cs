using System.Buffers.Binary;
using System.Text;

namespace Recurrent.PyTorch;

/// <summary>
/// Reads the pickle of a state_dict (<c>data.pkl</c> in a torch.save archive) into values, without running anything.
/// </summary>
/// <remarks>
/// <para>
/// A pickle is a program for a small stack machine: each opcode pushes a value, pops some to build a container, or
/// calls a global (<c>REDUCE</c>: <c>f(*args)</c>). Python's unpickler imports and calls any global the file names,
/// which is why loading an untrusted <c>.pt</c> can run <c>posix.system</c>. This reader interprets only the opcodes
/// that <c>torch.save(model.state_dict())</c> writes (protocols 2 to 5) and only four kinds of global, each a value
/// builder written here (<see cref="PickleGlobal"/>): <c>collections.OrderedDict</c>,
/// <c>torch._utils._rebuild_tensor_v2</c>, <c>torch._utils._rebuild_parameter</c> and the <c>torch.*Storage</c>
/// classes. Any other global, opcode, or call is refused with an <see cref="InvalidDataException"/> before it is used.
/// </para>
/// <para>
/// A tensor is <c>_rebuild_tensor_v2(storage, offset, size, stride, requires_grad, backward_hooks)</c> where storage
/// is a persistent id (<c>BINPERSID</c>) <c>('storage', torch.FloatStorage, key, location, numel)</c>; the storage's
/// bytes come from <see cref="_loadStorage"/>, the archive's record <c>data/&lt;key&gt;</c>.
/// </para>
/// </remarks>
internal sealed class RestrictedUnpickler
{
    private readonly byte[] _data;
    private readonly string _source;
    private readonly Func<string, TorchDType, long, TorchStorage> _loadStorage;
    private readonly List<object?> _stack = [];
    private readonly Stack<int> _marks = new();
    private readonly Dictionary<long, object?> _memo = [];
    private int _position;
    private int _opcodeAt;

    /// <param name="data">The pickle's bytes.</param>
    /// <param name="source">What errors name, e.g. <c>model.pt: data.pkl</c>.</param>
    /// <param name="loadStorage">Reads a storage's bytes by key, element type and element count.</param>
    public RestrictedUnpickler(byte[] data, string source, Func<string, TorchDType, long, TorchStorage> loadStorage)
    {
        _data = data;
        _source = source;
        _loadStorage = loadStorage;
    }

    /// <summary>Runs the pickle to its STOP and returns the value it built.</summary>
    /// <returns>The top-level value (for a state_dict, a <see cref="PickleDict"/>).</returns>
    public object? Load()
    {
        while (true)
        {
            _opcodeAt = _position;
            byte op = ReadByte();
            switch (op)
            {
                case 0x80: ReadByte(); break;                                   // PROTO n
                case 0x95: ReadBytes(8); break;                                 // FRAME length (framing is only a hint to buffered readers)
                case (byte)'.': return Pop();                                   // STOP
                case (byte)'(': _marks.Push(_stack.Count); break;               // MARK
                case (byte)'0': Pop(); break;                                   // POP
                case (byte)'1': PopMark(); break;                               // POP_MARK
                case (byte)'}': Push(new PickleDict()); break;                  // EMPTY_DICT
                case (byte)']': Push(new PickleList()); break;                  // EMPTY_LIST
                case (byte)')': Push(new PickleTuple([])); break;               // EMPTY_TUPLE
                case (byte)'t': Push(new PickleTuple(PopMark())); break;        // TUPLE
                case 0x85: Push(new PickleTuple(PopN(1))); break;               // TUPLE1
                case 0x86: Push(new PickleTuple(PopN(2))); break;               // TUPLE2
                case 0x87: Push(new PickleTuple(PopN(3))); break;               // TUPLE3
                case (byte)'s': SetItems(PopN(2)); break;                       // SETITEM
                case (byte)'u': SetItems(PopMark()); break;                     // SETITEMS
                case (byte)'a': Append(PopN(1)); break;                         // APPEND
                case (byte)'e': Append(PopMark()); break;                       // APPENDS
                case (byte)'X': Push(ReadUtf8((int)Math.Min(ReadUInt32(), int.MaxValue))); break; // BINUNICODE (a length past the end is "truncated")
                case 0x8c: Push(ReadUtf8(ReadByte())); break;                   // SHORT_BINUNICODE
                case (byte)'J': Push((long)BinaryPrimitives.ReadInt32LittleEndian(ReadBytes(4))); break; // BININT
                case (byte)'K': Push((long)ReadByte()); break;                  // BININT1
                case (byte)'M': Push((long)BinaryPrimitives.ReadUInt16LittleEndian(ReadBytes(2))); break; // BININT2
                case 0x8a: Push(ReadLong1()); break;                            // LONG1
                case 0x88: Push(true); break;                                   // NEWTRUE
                case 0x89: Push(false); break;                                  // NEWFALSE
                case (byte)'N': Push(null); break;                              // NONE
                case (byte)'G': Push(BinaryPrimitives.ReadDoubleBigEndian(ReadBytes(8))); break; // BINFLOAT
                case (byte)'q': _memo[ReadByte()] = Peek(); break;              // BINPUT
                case (byte)'r': _memo[ReadUInt32()] = Peek(); break;            // LONG_BINPUT
                case 0x94: _memo[_memo.Count] = Peek(); break;                  // MEMOIZE
                case (byte)'h': Push(Memo(ReadByte())); break;                  // BINGET
                case (byte)'j': Push(Memo(ReadUInt32())); break;                // LONG_BINGET
                case (byte)'c': Push(Global(ReadLine(), ReadLine())); break;    // GLOBAL module\nname\n
                case 0x93:                                                      // STACK_GLOBAL
                {
                    var name = Pop();
                    var module = Pop();
                    if (module is not string m || name is not string n) throw Fail("STACK_GLOBAL needs two strings.");
                    Push(Global(m, n));
                    break;
                }
                case (byte)'R':                                                 // REDUCE: callable(*args)
                {
                    var args = Pop();
                    var callable = Pop();
                    Push(Call(callable, args as PickleTuple ?? throw Fail($"REDUCE's arguments are {PickleDescribe.Of(args)}; expected a tuple.")));
                    break;
                }
                case (byte)'b': Build(Pop(), Peek()); break;                    // BUILD: obj.__setstate__(state)
                case (byte)'Q': Push(PersistentLoad(Pop())); break;             // BINPERSID
                default:
                    throw Fail($"opcode 0x{op:X2}{(op is >= 0x20 and < 0x7F ? $" ('{(char)op}')" : "")} is not supported; a state_dict's pickle needs only containers, numbers, strings and tensors (refusing to run pickle code).");
            }
        }
    }

    private PickleGlobalRef Global(string module, string name)
    {
        var global = (module, name) switch
        {
            ("collections", "OrderedDict") => new PickleGlobalRef(PickleGlobal.OrderedDict, "collections.OrderedDict"),
            ("torch._utils", "_rebuild_tensor_v2") => new PickleGlobalRef(PickleGlobal.RebuildTensorV2, "torch._utils._rebuild_tensor_v2"),
            ("torch._utils", "_rebuild_parameter") => new PickleGlobalRef(PickleGlobal.RebuildParameter, "torch._utils._rebuild_parameter"),
            ("torch", _) when TorchDTypes.TryParseStorage(name, out var dtype) => new PickleGlobalRef(PickleGlobal.Storage, $"torch.{name}", dtype),
            _ => null,
        };
        // The one message without a byte position: what matters is which code the file tried to run.
        return global ?? throw new InvalidDataException($"{_source}: global '{module}.{name}' is not allowed; a state_dict holds only tensors (refusing to run pickle code).");
    }

    private object? Call(object? callable, PickleTuple args)
    {
        if (callable is not PickleGlobalRef global) throw Fail($"REDUCE calls {PickleDescribe.Of(callable)}; only the allowed globals can be called.");
        var a = args.Items;
        switch (global.Kind)
        {
            case PickleGlobal.OrderedDict when a.Length == 0:
                return new PickleDict();
            case PickleGlobal.RebuildTensorV2 when a.Length is 6 or 7:
            {
                if (a[0] is not TorchStorage storage) throw Fail($"_rebuild_tensor_v2's storage is {PickleDescribe.Of(a[0])}; expected a persistent storage id.");
                if (a[1] is not long offset || offset < 0) throw Fail($"_rebuild_tensor_v2's storage offset is {PickleDescribe.Of(a[1])}; expected a non-negative integer.");
                int[] size = Ints(a[2], "size");
                long[] stride = Ints(a[3], "stride").Select(s => (long)s).ToArray();
                if (size.Length != stride.Length) throw Fail($"_rebuild_tensor_v2 has {size.Length} sizes but {stride.Length} strides.");
                return new TorchTensorRef(storage, offset, size, stride);
            }
            case PickleGlobal.RebuildParameter when a.Length == 3:
                return a[0] is TorchTensorRef tensor ? tensor : throw Fail($"_rebuild_parameter's data is {PickleDescribe.Of(a[0])}; expected a tensor.");
            default:
                throw Fail($"'{global.Name}' called with {a.Length} arguments is not a call a state_dict makes (refusing to run pickle code).");
        }
    }

    private int[] Ints(object? value, string what)
    {
        if (value is not PickleTuple tuple) throw Fail($"_rebuild_tensor_v2's {what} is {PickleDescribe.Of(value)}; expected a tuple of integers.");
        var result = new int[tuple.Items.Length];
        for (int i = 0; i < result.Length; i++)
        {
            result[i] = tuple.Items[i] is long l && l is >= 0 and <= int.MaxValue ? (int)l
                : throw Fail($"_rebuild_tensor_v2's {what}[{i}] is {PickleDescribe.Of(tuple.Items[i])}; expected an integer in [0, {int.MaxValue}].");
        }
        return result;
    }

    private TorchStorage PersistentLoad(object? pid)
    {
        if (pid is not PickleTuple { Items: ["storage", PickleGlobalRef { Kind: PickleGlobal.Storage } type, string key, string, long count] } || count < 0)
        {
            throw Fail($"a persistent id is {PickleDescribe.Of(pid)}; expected ('storage', torch.<Type>Storage, key, location, numel).");
        }
        return _loadStorage(key, type.DType, count);
    }

    private void Build(object? state, object? target)
    {
        // torch.save sets an OrderedDict's _metadata attribute (per-module versions) by BUILD with a dict; it is ignored.
        if (target is PickleDict && state is PickleDict or null) return;
        throw Fail($"BUILD sets the state of {PickleDescribe.Of(target)}; a state_dict only sets a dict's attributes.");
    }

    private void SetItems(object?[] items)
    {
        if (items.Length % 2 != 0) throw Fail("SETITEMS has an odd number of items.");
        if (Peek() is not PickleDict dict) throw Fail($"SETITEM(S) adds to {PickleDescribe.Of(Peek())}; expected a dict.");
        for (int i = 0; i < items.Length; i += 2) dict.Set(items[i], items[i + 1], Fail);
    }

    private void Append(object?[] items)
    {
        if (Peek() is not PickleList list) throw Fail($"APPEND(S) adds to {PickleDescribe.Of(Peek())}; expected a list.");
        list.Items.AddRange(items);
    }

    private long ReadLong1()
    {
        int n = ReadByte();
        if (n > 8) throw Fail($"LONG1 has {n} bytes; integers beyond 64 bits are not part of a state_dict.");
        var bytes = ReadBytes(n);
        long value = 0;
        for (int i = n - 1; i >= 0; i--) value = (value << 8) | bytes[i];
        if (n is > 0 and < 8 && (bytes[n - 1] & 0x80) != 0) value -= 1L << (8 * n); // two's complement of n bytes
        return value;
    }

    private object? Memo(long index) => _memo.TryGetValue(index, out var value) ? value : throw Fail($"memo entry {index} is read before it is written.");

    private void Push(object? value) => _stack.Add(value);

    private object? Peek() => _stack.Count > MarkBase() ? _stack[^1] : throw Fail("the stack is empty.");

    private object? Pop()
    {
        var value = Peek();
        _stack.RemoveAt(_stack.Count - 1);
        return value;
    }

    private object?[] PopN(int n)
    {
        if (_stack.Count - MarkBase() < n) throw Fail($"the stack holds fewer than the {n} values the opcode takes.");
        var items = _stack.GetRange(_stack.Count - n, n).ToArray();
        _stack.RemoveRange(_stack.Count - n, n);
        return items;
    }

    private object?[] PopMark()
    {
        if (_marks.Count == 0) throw Fail("an opcode pops to a MARK, but there is none.");
        int mark = _marks.Pop();
        var items = _stack.GetRange(mark, _stack.Count - mark).ToArray();
        _stack.RemoveRange(mark, _stack.Count - mark);
        return items;
    }

    private int MarkBase() => _marks.Count == 0 ? 0 : _marks.Peek();

    private byte ReadByte() => ReadBytes(1)[0];

    private uint ReadUInt32() => BinaryPrimitives.ReadUInt32LittleEndian(ReadBytes(4));

    private ReadOnlySpan<byte> ReadBytes(int n)
    {
        if (n < 0 || n > _data.Length - _position) throw new InvalidDataException($"{_source}: truncated: the opcode at byte {_opcodeAt} needs {n} more bytes but the pickle ends at byte {_data.Length}.");
        var span = _data.AsSpan(_position, n);
        _position += n;
        return span;
    }

    private string ReadUtf8(int n)
    {
        try
        {
            return new UTF8Encoding(false, true).GetString(ReadBytes(n));
        }
        catch (DecoderFallbackException)
        {
            throw Fail("a string is not valid UTF-8.");
        }
    }

    private string ReadLine()
    {
        int end = Array.IndexOf(_data, (byte)'\n', _position);
        if (end < 0) throw new InvalidDataException($"{_source}: truncated: the GLOBAL at byte {_opcodeAt} has no end of line before the pickle ends.");
        if (end - _position > 200) throw Fail("GLOBAL's name is longer than 200 bytes.");
        return Encoding.ASCII.GetString(ReadBytes(end - _position + 1)[..^1]);
    }

    private InvalidDataException Fail(string problem) => new($"{_source}: at byte {_opcodeAt}: {problem}");
}
