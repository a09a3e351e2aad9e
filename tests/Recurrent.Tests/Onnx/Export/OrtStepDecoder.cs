using Recurrent.Models;

namespace Recurrent.Tests.Onnx.Export;

/// <summary>
/// A runtime's decoding loop over the exported graphs: the library's search strategies (<see cref="SequenceDecoding"/>:
/// greedy, sampling, beam) driving the ONNX Runtime <c>decoder</c> graph through <see cref="IStepDecoder"/>, as any
/// runtime would drive it. Row r of R = sources × copies reads source r / copies; beam search's reorder permutes the
/// rows of the state tensors.
/// </summary>
internal sealed class OrtStepDecoder(OrtSession decoder, int sources, int vocabulary,
    IReadOnlyList<(string Name, (float[] Values, int[] Shape) Value)> initialStates,
    IReadOnlyList<(string Name, Array Values, int[] Shape)> perSource) : IStepDecoder
{
    private (string Name, float[] Values, int[] Shape)[] _states = [];
    private (string Name, Array Values, int[] Shape)[] _perRow = [];
    private int _rows;

    public int Vocabulary => vocabulary;

    public void Start(int copies)
    {
        _rows = sources * copies;
        // States (L, sources, size) → (L, rows, size); per-source inputs (sources, …) → (rows, …).
        _states = initialStates.Select(s =>
        {
            int layers = s.Value.Shape[0], size = s.Value.Shape[2];
            var rows = new float[layers * _rows * size];
            for (int k = 0; k < layers; k++)
            {
                for (int r = 0; r < _rows; r++) Array.Copy(s.Value.Values, (k * sources + r / copies) * size, rows, (k * _rows + r) * size, size);
            }
            return (s.Name.TrimEnd('n') + "0", rows, new[] { layers, _rows, size });
        }).ToArray();
        _perRow = perSource.Select(p =>
        {
            int block = p.Values.Length / sources;
            var rows = Array.CreateInstance(p.Values.GetType().GetElementType()!, _rows * block);
            for (int r = 0; r < _rows; r++) Array.Copy(p.Values, r / copies * block, rows, r * block, block);
            return (p.Name, rows, (int[])[_rows, .. p.Shape[1..]]);
        }).ToArray();
    }

    public void Step(ReadOnlySpan<int> tokens, Span<double> logProbabilities)
    {
        var inputs = new List<(string, Array, int[])> { ("token", tokens.ToArray().Select(t => (long)t).ToArray(), [_rows]) };
        inputs.AddRange(_states.Select(s => (s.Name, (Array)s.Values, s.Shape)));
        inputs.AddRange(_perRow);
        var result = decoder.Run([.. inputs]);
        var logits = result["logits"].Values;
        for (int r = 0; r < _rows; r++)
        {
            var z = logits.AsSpan(r * vocabulary, vocabulary);
            double m = double.NegativeInfinity, sum = 0;
            foreach (float value in z) m = Math.Max(m, value);
            foreach (float value in z) sum += Math.Exp(value - m);
            for (int i = 0; i < vocabulary; i++) logProbabilities[r * vocabulary + i] = z[i] - m - Math.Log(sum);
        }
        _states = _states.Select(s => (s.Name, result[s.Name.TrimEnd('0') + "n"].Values, s.Shape)).ToArray();
    }

    public void Reorder(ReadOnlySpan<int> parents)
    {
        foreach (var (_, values, shape) in _states)
        {
            int layers = shape[0], size = shape[2], block = _rows * size;
            var copy = (float[])values.Clone();
            for (int k = 0; k < layers; k++)
            {
                for (int r = 0; r < _rows; r++) Array.Copy(copy, k * block + parents[r] * size, values, k * block + r * size, size);
            }
        }
    }
}
