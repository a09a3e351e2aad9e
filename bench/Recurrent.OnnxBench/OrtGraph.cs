using Microsoft.ML.OnnxRuntime;

namespace Recurrent.OnnxBench;

/// <summary>
/// One exported graph in an ONNX Runtime session with its inputs and outputs bound to preallocated buffers, as the
/// ONNX Runtime peer of <c>../shared/peers</c> runs its graphs: CPU execution provider, all graph optimisations,
/// <c>threads</c> intra-op threads and one inter-op thread.
/// </summary>
internal sealed class OrtGraph : IDisposable
{
    private readonly SessionOptions _options;
    private readonly InferenceSession _session;
    private readonly RunOptions _run = new();
    private readonly string[] _inputNames, _outputNames;
    private readonly OrtValue[] _inputs, _outputs;

    public OrtGraph(byte[] model, int threads, (string Name, OrtValue Value)[] inputs, (string Name, OrtValue Value)[] outputs)
    {
        _options = new SessionOptions
        {
            IntraOpNumThreads = threads,
            InterOpNumThreads = 1,
            ExecutionMode = ExecutionMode.ORT_SEQUENTIAL,
            GraphOptimizationLevel = GraphOptimizationLevel.ORT_ENABLE_ALL,
        };
        _session = new InferenceSession(model, _options);
        _inputNames = [.. inputs.Select(i => i.Name)];
        _inputs = [.. inputs.Select(i => i.Value)];
        _outputNames = [.. outputs.Select(o => o.Name)];
        _outputs = [.. outputs.Select(o => o.Value)];
    }

    /// <summary>Runs the graph once into the bound outputs.</summary>
    public void Run() => _session.Run(_run, _inputNames, _inputs, _outputNames, _outputs);

    public static OrtValue Floats(float[] values, params long[] shape) => OrtValue.CreateTensorValueFromMemory(values, shape);

    public static OrtValue Longs(long[] values, params long[] shape) => OrtValue.CreateTensorValueFromMemory(values, shape);

    public void Dispose()
    {
        foreach (var v in _inputs) v.Dispose();
        foreach (var v in _outputs) v.Dispose();
        _run.Dispose();
        _session.Dispose();
        _options.Dispose();
    }
}
