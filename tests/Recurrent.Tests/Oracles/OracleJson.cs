using System.Text.Json;
using Recurrent.Tensors;

namespace Recurrent.Tests.Oracles;

/// <summary>
/// Reads an oracle case file (format: ../shared/oracles/README.md). Every problem is reported as an
/// <see cref="InvalidDataException"/> whose message starts with the file's name.
/// </summary>
public sealed class OracleJson
{
    private readonly JsonElement _root;

    private OracleJson(string file, JsonElement root)
    {
        File = file;
        _root = root;
    }

    public string File { get; }

    public static OracleJson Load(string path)
    {
        string name = System.IO.Path.GetFileName(path);
        try
        {
            using var doc = JsonDocument.Parse(System.IO.File.ReadAllText(path));
            return new OracleJson(name, doc.RootElement.Clone());
        }
        catch (JsonException e)
        {
            throw new InvalidDataException($"{name}: not valid JSON ({e.Message})", e);
        }
    }

    public bool Has(params string[] keys) => TryGet(keys, out _);

    public JsonElement Get(params string[] keys)
    {
        if (!TryGet(keys, out var e)) throw Bad($"missing key '{string.Join(".", keys)}'");
        return e;
    }

    public string String(params string[] keys)
    {
        var e = Get(keys);
        return e.ValueKind == JsonValueKind.String ? e.GetString()! : throw Bad($"'{string.Join(".", keys)}' must be a string");
    }

    public int Int(params string[] keys)
    {
        var e = Get(keys);
        return e.ValueKind == JsonValueKind.Number && e.TryGetInt32(out int v) ? v : throw Bad($"'{string.Join(".", keys)}' must be an integer");
    }

    public bool Bool(params string[] keys)
    {
        var e = Get(keys);
        return e.ValueKind is JsonValueKind.True or JsonValueKind.False ? e.GetBoolean() : throw Bad($"'{string.Join(".", keys)}' must be true or false");
    }

    public double Number(params string[] keys)
    {
        var e = Get(keys);
        return e.ValueKind == JsonValueKind.Number ? e.GetDouble() : throw Bad($"'{string.Join(".", keys)}' must be a number");
    }

    /// <summary>A <c>{"shape": [...], "values": [...]}</c> tensor, checked for consistency.</summary>
    public Tensor<double> Tensor(params string[] keys)
    {
        var e = Get(keys);
        string what = string.Join(".", keys);
        if (e.ValueKind != JsonValueKind.Object || !e.TryGetProperty("shape", out var shapeE) || !e.TryGetProperty("values", out var valuesE)
            || shapeE.ValueKind != JsonValueKind.Array || valuesE.ValueKind != JsonValueKind.Array)
        {
            throw Bad($"'{what}' must be an object with arrays 'shape' and 'values'");
        }
        var shape = new int[shapeE.GetArrayLength()];
        int i = 0;
        long count = 1;
        foreach (var d in shapeE.EnumerateArray())
        {
            if (d.ValueKind != JsonValueKind.Number || !d.TryGetInt32(out shape[i]) || shape[i] < 0) throw Bad($"'{what}.shape' must hold non-negative integers");
            count *= shape[i++];
        }
        if (valuesE.GetArrayLength() != count) throw Bad($"'{what}' has {valuesE.GetArrayLength()} values for shape [{string.Join(", ", shape)}] ({count})");
        var values = new double[count];
        i = 0;
        foreach (var v in valuesE.EnumerateArray())
        {
            if (v.ValueKind != JsonValueKind.Number) throw Bad($"'{what}.values[{i}]' is not a number");
            values[i++] = v.GetDouble();
        }
        return new Tensor<double>(values, shape);
    }

    /// <summary>A tensor that must have exactly <paramref name="shape"/>.</summary>
    public Tensor<double> Tensor(int[] shape, params string[] keys)
    {
        var t = Tensor(keys);
        if (!t.HasShape(shape))
        {
            throw Bad($"'{string.Join(".", keys)}' has shape {Tensor<double>.ShapeText(t.Shape)}; the config implies {Tensor<double>.ShapeText(shape)}");
        }
        return t;
    }

    public IEnumerable<string> Keys(params string[] keys)
    {
        var e = Get(keys);
        if (e.ValueKind != JsonValueKind.Object) throw Bad($"'{string.Join(".", keys)}' must be an object");
        return e.EnumerateObject().Select(p => p.Name).ToList();
    }

    public InvalidDataException Bad(string problem) => new($"{File}: {problem}");

    private bool TryGet(string[] keys, out JsonElement e)
    {
        e = _root;
        foreach (var k in keys)
        {
            if (e.ValueKind != JsonValueKind.Object || !e.TryGetProperty(k, out e)) return false;
        }
        return true;
    }
}
