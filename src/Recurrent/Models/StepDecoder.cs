using System.Numerics;
using Recurrent.Layers;
using Recurrent.Tensors;

namespace Recurrent.Models;

/// <summary>
/// The token-at-a-time decoder of <see cref="SequenceGenerator{T}"/> and <see cref="Seq2Seq{T}"/>: embeds each row's
/// token (appending the row's feature vector when the model feeds one at every step), advances the recurrent layer
/// with its streaming <see cref="RecurrentLayer{T}.Step(ReadOnlySpan{T}, RecurrentState{T}, Span{T})"/>, optionally attends over the row's encoder outputs, and
/// scores the vocabulary. Rows are sources × copies; each copy starts from its source's initial state.
/// </summary>
internal sealed class StepDecoder<T> : IStepDecoder where T : unmanaged, IFloatingPointIeee754<T>
{
    private readonly RecurrentLayer<T> _rnn;
    private readonly Embedding<T> _embedding;
    private readonly Linear<T> _head;
    private readonly int _sources;
    private readonly Tensor<T>[]? _initialState;   // per state entry (L, sources, size), or null for zeros
    private readonly Tensor<T>? _features;         // (sources, F) appended to every step's input, or null
    private readonly LuongAttention<T>? _attention;
    private readonly Tensor<T>? _encoderOutputs, _keys; // (sources, T_x, H)
    private readonly int[]? _sourceLengths;
    private RecurrentState<T> _state = null!;
    private int _copies, _rows;
    private T[] _input = [], _output = [], _attended = [], _logits = [], _scratch = [], _gather = [];

    public StepDecoder(RecurrentLayer<T> rnn, Embedding<T> embedding, Linear<T> head, int sources, Tensor<T>[]? initialState,
        Tensor<T>? features = null, LuongAttention<T>? attention = null, Tensor<T>? encoderOutputs = null, Tensor<T>? keys = null, int[]? sourceLengths = null)
    {
        (_rnn, _embedding, _head, _sources, _initialState, _features) = (rnn, embedding, head, sources, initialState, features);
        (_attention, _encoderOutputs, _keys, _sourceLengths) = (attention, encoderOutputs, keys, sourceLengths);
    }

    public int Vocabulary => _head.OutputSize;

    public void Start(int copies)
    {
        _copies = copies;
        _rows = _sources * copies;
        _state = _rnn.CreateState(_rows);
        if (_initialState is not null)
        {
            for (int c = 0; c < _initialState.Length; c++)
            {
                var source = _initialState[c];
                int layers = source.Dim(0), size = source.Dim(2);
                Span<T> dst = _state.Tensors[c].Span;
                for (int k = 0; k < layers; k++)
                {
                    for (int r = 0; r < _rows; r++)
                    {
                        source.Span.Slice((k * _sources + r / copies) * size, size).CopyTo(dst.Slice((k * _rows + r) * size, size));
                    }
                }
            }
        }
        int e = _embedding.Size, f = _features?.Dim(1) ?? 0, o = _rnn.OutputSize;
        _input = new T[_rows * (e + f)];
        _output = new T[_rows * o];
        _attended = new T[_rows * o];
        _logits = new T[_rows * Vocabulary];
        _scratch = new T[(_keys?.Dim(1) ?? 0) + 2 * o];
    }

    public void Step(ReadOnlySpan<int> tokens, Span<double> logProbabilities)
    {
        int e = _embedding.Size, f = _features?.Dim(1) ?? 0, width = e + f, o = _rnn.OutputSize, v = Vocabulary;
        for (int r = 0; r < _rows; r++)
        {
            var row = _input.AsSpan(r * width, width);
            _embedding.Lookup(tokens[r], row[..e]);
            if (_features is not null) _features.Span.Slice(r / _copies * f, f).CopyTo(row[e..]);
        }
        _rnn.Step(_input, _state, _output);
        Span<T> read = _output;
        if (_attention is not null)
        {
            int steps = _keys!.Dim(1), block = steps * o;
            for (int r = 0; r < _rows; r++)
            {
                int s = r / _copies;
                int length = _sourceLengths?[s] ?? steps;
                _attention.Step(_output.AsSpan(r * o, o), _keys.Span.Slice(s * block, block), _encoderOutputs!.Span.Slice(s * block, block),
                    length, _scratch, _attended.AsSpan(r * o, o));
            }
            read = _attended;
        }
        _head.Apply(read, _logits);
        for (int r = 0; r < _rows; r++)
        {
            var z = _logits.AsSpan(r * v, v);
            var lp = logProbabilities.Slice(r * v, v);
            for (int i = 0; i < v; i++) lp[i] = double.CreateTruncating(z[i]);
            double max = TensorPrimitives.Max<double>(lp), sum = 0;
            for (int i = 0; i < v; i++) sum += Math.Exp(lp[i] - max);
            TensorPrimitives.Subtract(lp, max + Math.Log(sum), lp);
        }
    }

    public void Reorder(ReadOnlySpan<int> parents)
    {
        foreach (var tensor in _state.Tensors)
        {
            int layers = tensor.Dim(0), size = tensor.Dim(2), block = _rows * size;
            if (_gather.Length < block) _gather = new T[block];
            for (int k = 0; k < layers; k++)
            {
                Span<T> layer = tensor.Span.Slice(k * block, block);
                for (int r = 0; r < _rows; r++) layer.Slice(parents[r] * size, size).CopyTo(_gather.AsSpan(r * size, size));
                _gather.AsSpan(0, block).CopyTo(layer);
            }
        }
    }
}
