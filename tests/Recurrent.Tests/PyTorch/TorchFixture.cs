using System.Text.Json;
using Recurrent.Tensors;

namespace Recurrent.Tests.PyTorch;

/// <summary>
/// One case of <c>Fixtures/PyTorch/</c>, written by <c>make_fixtures.py</c> with real PyTorch: the model's weights
/// (<c>NAME.pt</c>, <c>NAME.safetensors</c>) and <c>NAME.json</c> with its inputs and torch's outputs, each tensor as
/// <c>{"shape": [...], "values": [...]}</c>, row-major; and <c>NAME.onnx</c>, torch.onnx.export's graph (the ONNX import
/// tests read the same cases).
/// </summary>
internal sealed class TorchFixture
{
    private readonly JsonElement _root;

    private TorchFixture(string name, JsonElement root)
    {
        Name = name;
        _root = root;
    }

    /// <summary>The folder the test project copies the fixtures to.</summary>
    public static string Folder => Path.Combine(AppContext.BaseDirectory, "Fixtures", "PyTorch");

    public string Name { get; }

    /// <summary>The path of the case's file with this extension (<c>pt</c>, <c>safetensors</c>).</summary>
    public string PathOf(string extension) => Path.Combine(Folder, $"{Name}.{extension}");

    /// <summary>torch.onnx.export's graph of the case.</summary>
    public string OnnxPath => PathOf("onnx");

    public static TorchFixture Load(string name)
    {
        string path = Path.Combine(Folder, name + ".json");
        Assert.True(File.Exists(path), $"{path} is missing: the PyTorch fixtures are made by Fixtures/PyTorch/make_fixtures.py and copied beside the tests");
        using var document = JsonDocument.Parse(File.ReadAllBytes(path));
        return new TorchFixture(name, document.RootElement.Clone());
    }

    public JsonElement Module => _root.GetProperty("module");

    public string String(params string[] path) => Get(path).GetString()!;

    public bool Has(params string[] path)
    {
        var e = _root;
        foreach (string p in path)
        {
            if (e.ValueKind != JsonValueKind.Object || !e.TryGetProperty(p, out e) || e.ValueKind == JsonValueKind.Null) return false;
        }
        return true;
    }

    public Tensor<float> Tensor(params string[] path)
    {
        var t = Get(path);
        int[] shape = t.GetProperty("shape").EnumerateArray().Select(d => d.GetInt32()).ToArray();
        float[] values = t.GetProperty("values").EnumerateArray().Select(v => (float)v.GetDouble()).ToArray();
        return new Tensor<float>(values, shape);
    }

    /// <summary>A tensor's values and shape as arrays, as ONNX Runtime takes them.</summary>
    public (float[] Values, int[] Shape) Flat(params string[] path)
    {
        var t = Tensor(path);
        return (t.ToArray(), t.Shape.ToArray());
    }

    public int[] Ints(params string[] path) => Tensor(path).ToArray().Select(v => (int)v).ToArray();

    /// <summary>The JSON element at a path of keys.</summary>
    public JsonElement Get(params string[] path)
    {
        var e = _root;
        foreach (string p in path) e = e.GetProperty(p);
        return e;
    }

    /// <summary>max |a − b| after checking the shapes agree.</summary>
    public static double MaxAbsDiff(Tensor<float> expected, Tensor<float> actual, string what)
    {
        Assert.True(expected.SameShape(actual), $"{what}: shape {Tensor<float>.ShapeText(actual.Shape)}; torch's is {Tensor<float>.ShapeText(expected.Shape)}");
        double max = 0;
        var e = expected.Span;
        var a = actual.Span;
        for (int i = 0; i < e.Length; i++) max = Math.Max(max, Math.Abs((double)e[i] - a[i]));
        return max;
    }
}
