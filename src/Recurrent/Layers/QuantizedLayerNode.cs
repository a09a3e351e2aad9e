using Recurrent.Autodiff;
using Recurrent.Cells;

namespace Recurrent.Layers;

/// <summary>
/// A quantized <see cref="RecurrentLayer{T}"/>'s pass on the tape (<see cref="QuantizedRecurrentLayer"/>): its outputs
/// are reused from one pass to the next, as the float layer's, and a gradient that reaches them stops here with
/// <see cref="QuantizedMessages.Training"/>, since int8 weights have no gradient to give.
/// </summary>
internal sealed class QuantizedLayerNode : Node<float>
{
    private Variable<float>? _output, _hN, _cN;
    private RecurrentOutput<float>? _result;

    public RecurrentOutput<float> Forward(RecurrentLayer<float> layer, QuantizedRecurrentLayer int8, Variable<float> x, IReadOnlyList<Variable<float>>? initial, ReadOnlySpan<int> lengths)
    {
        var spec = layer.Spec;
        int batch = spec.BatchFirst ? x.Value.Dim(0) : x.Value.Dim(1), steps = spec.BatchFirst ? x.Value.Dim(1) : x.Value.Dim(0);
        int dh = layer.Directions * layer.HiddenSize, cells = spec.Layers * layer.Directions;
        _output = spec.BatchFirst ? Output(ref _output, true, 3, batch, steps, dh, 0) : Output(ref _output, true, 3, steps, batch, dh, 0);
        _hN = Output(ref _hN, true, 3, cells, batch, layer.HiddenSize, 0);
        _cN = Output(ref _cN, true, 3, cells, batch, layer.HiddenSize, 0);
        int8.Forward(x.Value.Span, batch, steps, initial is null ? default : initial[0].Value.Span, initial is null ? default : initial[1].Value.Span,
            lengths, _output.Value.Span, _hN.Value.Span, _cN.Value.Span);
        if (_result is null || !ReferenceEquals(_result.Output, _output)) _result = new RecurrentOutput<float>(_output, [_hN, _cN]);
        return _result;
    }

    public override void Backward()
    {
        if (_output?.Grad is not null || _hN?.Grad is not null || _cN?.Grad is not null) throw new InvalidOperationException(QuantizedMessages.Training);
    }
}
