using Microsoft.ML.OnnxRuntime;
using Microsoft.ML.OnnxRuntime.Tensors;
using Recurrent.Onnx.Export;

namespace Recurrent.Tests.Onnx.Export;

/// <summary>An exported graph loaded in ONNX Runtime, the independent reference every export test compares against.</summary>
internal sealed class OrtSession : IDisposable
{
    private readonly InferenceSession _session;

    public OrtSession(OnnxGraph graph) => _session = new InferenceSession(graph.ToBytes());

    public OrtSession(string path) => _session = new InferenceSession(path);

    public IReadOnlyList<string> InputNames => _session.InputMetadata.Keys.ToArray();

    /// <summary>Runs the graph; inputs are float[], int[] (int32) or long[] (int64) with their shapes.</summary>
    public Dictionary<string, (float[] Values, int[] Shape)> Run(params (string Name, Array Values, int[] Shape)[] inputs)
    {
        var values = inputs.Select(i => i.Values switch
        {
            float[] f => NamedOnnxValue.CreateFromTensor(i.Name, new DenseTensor<float>(f, i.Shape)),
            int[] n => NamedOnnxValue.CreateFromTensor(i.Name, new DenseTensor<int>(n, i.Shape)),
            long[] l => NamedOnnxValue.CreateFromTensor(i.Name, new DenseTensor<long>(l, i.Shape)),
            _ => throw new ArgumentException($"input {i.Name}: unsupported {i.Values.GetType().Name}"),
        }).ToList();
        using var results = _session.Run(values);
        return results.ToDictionary(r => r.Name, r =>
        {
            var t = r.AsTensor<float>();
            return (t.ToArray(), t.Dimensions.ToArray());
        });
    }

    public void Dispose() => _session.Dispose();
}

/// <summary>Element-wise comparison helpers.</summary>
internal static class Differences
{
    /// <summary>max |a − b|, after checking the lengths agree.</summary>
    public static double Max(ReadOnlySpan<float> expected, ReadOnlySpan<float> actual, string what)
    {
        Assert.True(expected.Length == actual.Length, $"{what}: ONNX Runtime gave {actual.Length} values; Recurrent {expected.Length}");
        double max = 0;
        for (int i = 0; i < expected.Length; i++)
        {
            double d = Math.Abs(expected[i] - actual[i]);
            if (double.IsNaN(d)) return double.PositiveInfinity;
            max = Math.Max(max, d);
        }
        return max;
    }

    public static void AssertClose(ReadOnlySpan<float> expected, ReadOnlySpan<float> actual, string what, double tolerance = 1e-5)
    {
        double max = Max(expected, actual, what);
        Assert.True(max <= tolerance, $"{what}: max |Recurrent − ONNX Runtime| = {max:E2} > {tolerance:E0}");
    }
}
