namespace Recurrent.PyTorch;

/// <summary>
/// The few Python objects a state_dict's pickle builds, as plain values: strings, integers (<see cref="long"/>), floats
/// (<see cref="double"/>), booleans and None are .NET values; the containers and torch objects are the records below.
/// </summary>
internal sealed class PickleTuple(object?[] items)
{
    public object?[] Items { get; } = items;
}

/// <summary>A Python list (built by EMPTY_LIST, APPEND, APPENDS).</summary>
internal sealed class PickleList
{
    public List<object?> Items { get; } = [];
}

/// <summary>A dict or <c>collections.OrderedDict</c>: its entries in insertion order, as Python keeps them.</summary>
internal sealed class PickleDict
{
    public List<KeyValuePair<object, object?>> Entries { get; } = [];

    public void Set(object? key, object? value, Func<string, Exception> fail)
    {
        if (key is not (string or long or bool)) throw fail($"a dict key is {PickleDescribe.Of(key)}; a state_dict's keys are strings.");
        int at = Entries.FindIndex(e => e.Key.Equals(key));
        if (at >= 0) Entries[at] = new(key, value);
        else Entries.Add(new(key, value));
    }
}

/// <summary>The globals a state_dict's pickle may name; anything else is refused before it is used.</summary>
internal enum PickleGlobal
{
    /// <summary><c>collections.OrderedDict</c>: the container of a state_dict (and of its <c>_metadata</c>, and empty backward hooks).</summary>
    OrderedDict,

    /// <summary><c>torch._utils._rebuild_tensor_v2(storage, offset, size, stride, requires_grad, hooks[, metadata])</c>.</summary>
    RebuildTensorV2,

    /// <summary><c>torch._utils._rebuild_parameter(data, requires_grad, hooks)</c>: an <c>nn.Parameter</c> saved as such.</summary>
    RebuildParameter,

    /// <summary>A <c>torch.*Storage</c> class, named by the persistent id of each storage.</summary>
    Storage,
}

/// <summary>An allowed global, and for a storage class the element type it names.</summary>
internal sealed record PickleGlobalRef(PickleGlobal Kind, string Name, TorchDType DType = TorchDType.Float32);

/// <summary>
/// A storage named by a persistent id, <c>('storage', torch.FloatStorage, key, location, numel)</c>: its bytes are the
/// archive's record <c>data/&lt;key&gt;</c>.
/// </summary>
internal sealed record TorchStorage(string Key, TorchDType DType, long Count, byte[] Bytes);

/// <summary>
/// A tensor as <c>_rebuild_tensor_v2</c> describes it: a view of <see cref="Storage"/> starting at element
/// <see cref="Offset"/>, element [i₀, i₁, …] at <c>Offset + Σ_k i_k·Stride[k]</c> (a transposed or sliced tensor is saved
/// as such a view of its base's storage). Read into a dense float tensor by <see cref="TorchTensors"/>.
/// </summary>
internal sealed record TorchTensorRef(TorchStorage Storage, long Offset, int[] Size, long[] Stride);

/// <summary>How errors describe a value: its Python type.</summary>
internal static class PickleDescribe
{
    public static string Of(object? value) => value switch
    {
        null => "None",
        string s => $"the string '{(s.Length > 40 ? s[..40] + "…" : s)}'",
        long l => $"the integer {l}",
        double d => $"the float {d}",
        bool b => b ? "True" : "False",
        PickleTuple t => $"a tuple of {t.Items.Length}",
        PickleList => "a list",
        PickleDict => "a dict",
        PickleGlobalRef g => $"the global '{g.Name}'",
        TorchStorage => "a storage",
        TorchTensorRef => "a tensor",
        _ => value.GetType().Name,
    };
}
