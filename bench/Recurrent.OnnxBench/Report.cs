using Recurrent.Cli.Bench;

namespace Recurrent.OnnxBench;

/// <summary>The lines a case prints: one per implementation and the ratio, as JSON or as text.</summary>
internal static class Report
{
    public static IEnumerable<string> Lines(BenchOptions options, (string Key, object Value)[] shape, double recurrentMs, double ortMs, double maxAbsDifference)
    {
        double ratio = ortMs / recurrentMs;
        string name = string.Join(" ", shape.Select(f => $"{f.Key}={f.Value}"));
        if (!options.Json)
        {
            yield return $"{name} threads={options.Threads}";
            yield return $"  recurrent    {recurrentMs,10:F4} ms";
            yield return $"  onnxruntime  {ortMs,10:F4} ms  (the exported graph; outputs differ by at most {maxAbsDifference:E1})";
            yield return $"  ratio ORT / Recurrent: {ratio:F2} ({(ratio >= 1 ? "Recurrent faster" : "ONNX Runtime faster")})";
            yield break;
        }
        foreach (var (impl, ms) in new[] { ("recurrent", recurrentMs), ("onnxruntime-export", ortMs) })
        {
            yield return JsonLine.Format([("op", "onnx-export"), .. shape, ("impl", impl), ("threads", options.Threads), ("median_ms", Math.Round(ms, 4))]);
        }
        yield return JsonLine.Format([("op", "onnx-export"), .. shape, ("ratio_ort_over_recurrent", Math.Round(ratio, 3)), ("max_abs_diff", maxAbsDifference)]);
    }

    public static double MaxAbsDifference(ReadOnlySpan<float> a, ReadOnlySpan<float> b)
    {
        double max = 0;
        for (int i = 0; i < a.Length; i++) max = Math.Max(max, Math.Abs(a[i] - b[i]));
        return max;
    }
}
