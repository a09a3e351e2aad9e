using System.Text.Json;

namespace Recurrent.Tests.Onnx.Import;

/// <summary>
/// One case of <c>Fixtures/PyTorch</c> (written by make_fixtures.py with real torch 1.13): <c>NAME.onnx</c> from
/// torch.onnx.export and <c>NAME.json</c> with the inputs and torch's outputs.
/// </summary>
internal sealed class TorchFixture
{
    private readonly JsonElement _root;

    private TorchFixture(string name, JsonElement root)
    {
        Name = name;
        _root = root;
    }

    public string Name { get; }

    public static string Folder => Path.Combine(AppContext.BaseDirectory, "Fixtures", "PyTorch");

    public string OnnxPath => Path.Combine(Folder, Name + ".onnx");

    public static TorchFixture Load(string name)
    {
        using var doc = JsonDocument.Parse(File.ReadAllText(Path.Combine(Folder, name + ".json")));
        return new TorchFixture(name, doc.RootElement.Clone());
    }

    public JsonElement Get(params string[] keys) => keys.Aggregate(_root, (e, k) => e.GetProperty(k));

    public bool Has(params string[] keys)
    {
        var e = _root;
        foreach (var k in keys)
        {
            if (e.ValueKind != JsonValueKind.Object || !e.TryGetProperty(k, out e)) return false;
        }
        return e.ValueKind != JsonValueKind.Null;
    }

    /// <summary>A tensor {"shape", "values"} as floats and its shape.</summary>
    public (float[] Values, int[] Shape) Tensor(params string[] keys)
    {
        var t = Get(keys);
        return (t.GetProperty("values").EnumerateArray().Select(v => (float)v.GetDouble()).ToArray(),
            t.GetProperty("shape").EnumerateArray().Select(v => v.GetInt32()).ToArray());
    }
}
