using System.Collections;
using System.Diagnostics.CodeAnalysis;
using Recurrent.Serialization;
using Recurrent.Tensors;

namespace Recurrent.PyTorch;

/// <summary>
/// A PyTorch <c>state_dict</c> read from a file: each tensor by its PyTorch name (<c>rnn.weight_ih_l0</c>), as float,
/// in the file's order. Pass it to <see cref="PyTorchImporter"/> to build or fill a Recurrent model.
/// </summary>
/// <remarks>
/// <para>
/// Two formats, told apart by their content, not their extension: the zip archive of
/// <c>torch.save(model.state_dict(), path)</c> (PyTorch ≥ 1.6), and safetensors (<c>safetensors.torch.save_file</c>).
/// float32, float64, float16 and bfloat16 tensors are read (widened exactly, or rounded to nearest from float64).
/// </para>
/// <para>
/// A torch.save file is a Python pickle, which in Python is code: loading one with <c>torch.load</c> can run anything
/// it names. Here it is read by a restricted unpickler that builds values and calls nothing: it knows only the opcodes
/// of a state_dict and the globals <c>collections.OrderedDict</c>, <c>torch._utils._rebuild_tensor_v2</c>,
/// <c>torch._utils._rebuild_parameter</c> and the <c>torch.*Storage</c> types; any other global, such as
/// <c>posix.system</c>, is refused. Tensors saved as views (a transposed weight, a slice) are read with their storage
/// offset and strides. A truncated or corrupt file raises an <see cref="InvalidDataException"/> whose one-line message
/// names the file and the problem.
/// </para>
/// </remarks>
/// <example>
/// <code>
/// var weights = PyTorchStateDict.Read("tagger.pt");
/// var model = PyTorchImporter.ToSequential(weights, PyTorchArchitecture.Parse("emb:Embedding, rnn:LSTM, fc:Linear"));
/// </code>
/// </example>
public sealed class PyTorchStateDict : IReadOnlyDictionary<string, Tensor<float>>
{
    private readonly List<KeyValuePair<string, Tensor<float>>> _ordered;
    private readonly Dictionary<string, Tensor<float>> _byName;

    private PyTorchStateDict(List<KeyValuePair<string, Tensor<float>>> ordered, string source)
    {
        _ordered = ordered;
        _byName = new Dictionary<string, Tensor<float>>(ordered, StringComparer.Ordinal);
        Source = source;
    }

    /// <summary>The file's name, as error messages about these tensors name it.</summary>
    public string Source { get; }

    /// <summary>Reads a state_dict from a torch.save archive or a safetensors file.</summary>
    /// <param name="path">The file.</param>
    /// <returns>The tensors by name.</returns>
    /// <exception cref="InvalidDataException">The file is truncated, corrupt, of another format, or its pickle names code.</exception>
    /// <exception cref="NotSupportedException">The file is in PyTorch's legacy (pre-1.6) format.</exception>
    public static PyTorchStateDict Read(string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        return Parse(File.ReadAllBytes(path), Path.GetFileName(path));
    }

    /// <summary>Reads a state_dict from a file's bytes.</summary>
    /// <param name="bytes">The whole file.</param>
    /// <param name="source">A name for error messages.</param>
    /// <returns>The tensors by name.</returns>
    public static PyTorchStateDict Parse(byte[] bytes, string source = "(bytes)")
    {
        ArgumentNullException.ThrowIfNull(bytes);
        ArgumentNullException.ThrowIfNull(source);
        if (TorchArchive.IsZip(bytes)) return new(TorchArchive.Read(bytes, source), source);
        if (bytes.Length >= 9 && bytes[8] == (byte)'{')
        {
            var file = SafetensorsFile.Parse(bytes, source);
            return new(file.Entries.Select(e => new KeyValuePair<string, Tensor<float>>(e.Name, file.Get<float>(e.Name))).ToList(), source);
        }
        if (bytes.Length >= 3 && bytes[0] == 0x80 && bytes[2] == 0x8a)
        {
            // The legacy format starts with a pickled magic number (PROTO 2, LONG1 …).
            throw new NotSupportedException($"{source}: this is PyTorch's legacy torch.save format (before 1.6, or _use_new_zipfile_serialization=False); save it again with torch.save(model.state_dict(), path) from PyTorch 1.6 or later, or as safetensors.");
        }
        throw new InvalidDataException($"{source}: neither a torch.save archive (a zip) nor a safetensors file ({bytes.Length} bytes{(bytes.Length == 0 ? "" : $", starting 0x{Convert.ToHexString(bytes.AsSpan(0, Math.Min(4, bytes.Length)))}")}).");
    }

    /// <inheritdoc/>
    public Tensor<float> this[string key] => _byName.TryGetValue(key, out var tensor) ? tensor : throw new KeyNotFoundException($"{Source} has no tensor '{key}'.");

    /// <inheritdoc/>
    public IEnumerable<string> Keys => _ordered.Select(e => e.Key);

    /// <inheritdoc/>
    public IEnumerable<Tensor<float>> Values => _ordered.Select(e => e.Value);

    /// <inheritdoc/>
    public int Count => _ordered.Count;

    /// <inheritdoc/>
    public bool ContainsKey(string key) => _byName.ContainsKey(key);

    /// <inheritdoc/>
    public bool TryGetValue(string key, [MaybeNullWhen(false)] out Tensor<float> value) => _byName.TryGetValue(key, out value);

    /// <inheritdoc/>
    public IEnumerator<KeyValuePair<string, Tensor<float>>> GetEnumerator() => _ordered.GetEnumerator();

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();
}
