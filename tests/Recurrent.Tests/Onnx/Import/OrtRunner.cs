using Microsoft.ML.OnnxRuntime;

namespace Recurrent.Tests.Onnx.Import;

/// <summary>A tensor for or from ONNX Runtime: float, int64 or int32 values and their shape.</summary>
internal sealed record OrtTensor(Array Values, long[] Shape)
{
    public float[] Floats => (float[])Values;
}

/// <summary>Runs a model in ONNX Runtime, the independent reference the importer's results are held to.</summary>
internal static class OrtRunner
{
    public static Dictionary<string, OrtTensor> Run(byte[] model, IReadOnlyDictionary<string, OrtTensor> inputs)
    {
        using var session = new InferenceSession(model);
        var values = new Dictionary<string, OrtValue>();
        try
        {
            foreach (var (name, t) in inputs)
            {
                values[name] = t.Values switch
                {
                    float[] f => OrtValue.CreateTensorValueFromMemory(f, t.Shape),
                    long[] l => OrtValue.CreateTensorValueFromMemory(l, t.Shape),
                    int[] i => OrtValue.CreateTensorValueFromMemory(i, t.Shape),
                    _ => throw new ArgumentException($"input {name}: unsupported element type {t.Values.GetType()}"),
                };
            }
            using var options = new RunOptions();
            using var outputs = session.Run(options, values, session.OutputNames);
            var result = new Dictionary<string, OrtTensor>();
            for (int i = 0; i < outputs.Count; i++)
            {
                var o = outputs[i];
                result[session.OutputNames[i]] = new OrtTensor(o.GetTensorDataAsSpan<float>().ToArray(), o.GetTensorTypeAndShape().Shape);
            }
            return result;
        }
        finally
        {
            foreach (var v in values.Values) v.Dispose();
        }
    }
}
