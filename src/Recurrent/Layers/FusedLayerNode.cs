using System.Numerics;
using Recurrent.Autodiff;
using Recurrent.Cells;
using Recurrent.Tensors;

namespace Recurrent.Layers;

/// <summary>
/// A whole <see cref="RecurrentLayer{T}"/> as one tape node running the cells' fused sequence kernels: every layer and
/// direction forward, with dropout between layers, then the same in reverse for the gradients. Its buffers, kernels
/// and result objects are reused from one step to the next, so a warm training step allocates nothing.
/// </summary>
internal sealed class FusedLayerNode<T> : Node<T> where T : unmanaged, IFloatingPointIeee754<T>
{
    private RecurrentLayer<T>? _layer;
    private FusedSequence<T>[] _kernels = [];
    private Variable<T> _x = null!;
    private IReadOnlyList<Variable<T>>? _initial;
    private Variable<T>? _output, _hN, _cN;
    private Variable<T>[] _finalState = [];
    private RecurrentOutput<T>? _result;
    private T[][] _layerOutputs = [];   // per layer k < L−1: (B, T, D·H) before dropout
    private T[][] _layerInputs = [];    // per layer k ≥ 1: after dropout (same array when no dropout)
    private T[][] _masks = [];          // per layer k < L−1: dropout masks
    private T[] _zeros = [];
    private T[] _gradA = [], _gradB = [];
    private int[] _lengths = [];
    private bool _hasLengths, _dropped;
    private int _batch, _steps;

    public RecurrentOutput<T> Forward(RecurrentLayer<T> layer, Variable<T> x, IReadOnlyList<Variable<T>>? initial, ReadOnlySpan<int> lengths, Rng dropoutRng)
    {
        Bind(layer);
        var spec = layer.Spec;
        int layers = spec.Layers, directions = layer.Directions, h = layer.HiddenSize;
        bool batchFirst = spec.BatchFirst;
        int batch = batchFirst ? x.Value.Dim(0) : x.Value.Dim(1), steps = batchFirst ? x.Value.Dim(1) : x.Value.Dim(0);
        (_x, _initial, _batch, _steps) = (x, initial, batch, steps);
        _hasLengths = !lengths.IsEmpty;
        if (_hasLengths)
        {
            if (_lengths.Length < batch) _lengths = new int[batch];
            lengths.CopyTo(_lengths);
        }

        // In evaluation mode nothing is kept for backward: the kernels take their inference path.
        bool grad = x.RequiresGrad;
        for (int i = 0; initial is not null && i < initial.Count; i++) grad |= initial[i].RequiresGrad;
        var parameters = layer.Parameters();
        for (int i = 0; i < parameters.Count; i++) grad |= parameters[i].RequiresGrad;
        grad &= layer.IsTraining;
        bool lstm = _kernels[0].HasCellState;
        int dh = directions * h, bh = batch * h;

        _output = batchFirst ? Output(ref _output, grad, 3, batch, steps, dh, 0) : Output(ref _output, grad, 3, steps, batch, dh, 0);
        _hN = Output(ref _hN, grad, 3, layers * directions, batch, h, 0);
        if (lstm) _cN = Output(ref _cN, grad, 3, layers * directions, batch, h, 0);
        if (_zeros.Length < bh) _zeros = new T[bh];

        _dropped = layer.IsTraining && spec.Dropout > 0 && layers > 1;
        ReadOnlySpan<T> input = x.Value.Span;
        for (int k = 0; k < layers; k++)
        {
            bool last = k == layers - 1;
            int bufferLength = batch * steps * dh;
            if (!last) EnsureLayerBuffers(k, bufferLength);
            Span<T> output = last ? _output.Value.Span : _layerOutputs[k].AsSpan(0, bufferLength);
            for (int d = 0; d < directions; d++)
            {
                int index = k * directions + d;
                var args = new FusedForwardArgs<T>
                {
                    X = input, BatchFirst = batchFirst, Batch = batch, Steps = steps,
                    Lengths = _hasLengths ? _lengths.AsSpan(0, batch) : default,
                    Reverse = d == 1, Training = grad,
                    H0 = initial is null ? _zeros.AsSpan(0, bh) : initial[0].Value.Span.Slice(index * bh, bh),
                    C0 = !lstm ? default : initial is null ? _zeros.AsSpan(0, bh) : initial[1].Value.Span.Slice(index * bh, bh),
                    Output = output, OutputStride = dh, OutputOffset = d * h,
                    HN = _hN.Value.Span.Slice(index * bh, bh),
                    CN = lstm ? _cN!.Value.Span.Slice(index * bh, bh) : default,
                };
                _kernels[index].Forward(ref args);
            }
            if (!last)
            {
                if (_dropped) ApplyDropout(k, bufferLength, spec.Dropout, dropoutRng);
                input = (_dropped ? _layerInputs[k] : _layerOutputs[k]).AsSpan(0, bufferLength);
            }
        }

        if (_finalState.Length != (lstm ? 2 : 1)) _finalState = new Variable<T>[lstm ? 2 : 1];
        _finalState[0] = _hN;
        if (lstm) _finalState[1] = _cN!;
        if (_result is null || !ReferenceEquals(_result.Output, _output)) _result = new RecurrentOutput<T>(_output, _finalState);
        return _result;
    }

    public override void Backward()
    {
        var layer = _layer!;
        if (_output!.Grad is null && _hN!.Grad is null && (_cN?.Grad is null)) return;
        int layers = layer.Spec.Layers, directions = layer.Directions, h = layer.HiddenSize;
        int batch = _batch, steps = _steps, bh = batch * h, dh = directions * h, length = batch * steps * dh;
        bool lstm = _kernels[0].HasCellState;
        ReadOnlySpan<T> dOutput = _output.Grad is { } g ? g.Span : default;
        Span<T> dh0 = _initial is { } i0 && i0[0].RequiresGrad ? i0[0].GradForAccumulation().Span : default;
        Span<T> dc0 = lstm && _initial is { } i1 && i1[1].RequiresGrad ? i1[1].GradForAccumulation().Span : default;
        ReadOnlySpan<T> dhn = _hN!.Grad is { } gh ? gh.Span : default;
        ReadOnlySpan<T> dcn = lstm && _cN!.Grad is { } gc ? gc.Span : default;
        if (layers > 1 && _gradA.Length < length)
        {
            _gradA = new T[length];
            _gradB = new T[length];
        }

        for (int k = layers - 1; k >= 0; k--)
        {
            Span<T> dInput;
            if (k == 0) dInput = _x.RequiresGrad ? _x.GradForAccumulation().Span : default;
            else
            {
                dInput = _gradA.AsSpan(0, length);
                dInput.Clear();
            }
            for (int d = 0; d < directions; d++)
            {
                int index = k * directions + d;
                var args = new FusedBackwardArgs<T>
                {
                    DOutput = dOutput, OutputStride = dh, OutputOffset = d * h,
                    DHN = dhn.IsEmpty ? default : dhn.Slice(index * bh, bh),
                    DCN = dcn.IsEmpty ? default : dcn.Slice(index * bh, bh),
                    DX = dInput,
                    DH0 = dh0.IsEmpty ? default : dh0.Slice(index * bh, bh),
                    DC0 = dc0.IsEmpty ? default : dc0.Slice(index * bh, bh),
                };
                _kernels[index].Backward(ref args);
            }
            if (k > 0)
            {
                if (_dropped) TensorPrimitives.Multiply(dInput, _masks[k - 1].AsSpan(0, length), dInput);
                dOutput = dInput;
                (_gradA, _gradB) = (_gradB, _gradA);
            }
        }
    }

    private void Bind(RecurrentLayer<T> layer)
    {
        if (ReferenceEquals(_layer, layer)) return;
        _layer = layer;
        _kernels = layer.Cells.Select(c => ((IFusedCell<T>)c).CreateSequence()).ToArray();
        int inner = Math.Max(0, layer.Spec.Layers - 1);
        _layerOutputs = new T[inner][];
        _layerInputs = new T[inner][];
        _masks = new T[inner][];
        for (int k = 0; k < inner; k++) _layerOutputs[k] = _layerInputs[k] = _masks[k] = [];
    }

    private void EnsureLayerBuffers(int k, int length)
    {
        if (_layerOutputs[k].Length < length) _layerOutputs[k] = new T[length];
        if (_dropped)
        {
            if (_layerInputs[k].Length < length || ReferenceEquals(_layerInputs[k], _layerOutputs[k])) _layerInputs[k] = new T[length];
            if (_masks[k].Length < length) _masks[k] = new T[length];
        }
    }

    private void ApplyDropout(int k, int length, double p, Rng rng)
    {
        var mask = _masks[k].AsSpan(0, length);
        T keep = T.CreateTruncating(1 / (1 - p));
        for (int i = 0; i < mask.Length; i++) mask[i] = rng.NextDouble() < p ? T.Zero : keep;
        TensorPrimitives.Multiply(_layerOutputs[k].AsSpan(0, length), mask, _layerInputs[k].AsSpan(0, length));
    }
}
