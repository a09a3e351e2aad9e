using Recurrent.Autodiff;
using Recurrent.Cells;

namespace Recurrent.Layers;

public sealed partial class RecurrentLayer<T>
{
    /// <summary>The layer's int8 form in a copy made by <c>Quantize()</c>; null in a float layer.</summary>
    internal QuantizedRecurrentLayer? Quantized { get; private set; }

    /// <summary>Quantizes this layer's cells for inference (<c>Quantize()</c> calls it on its copy, never on the original).</summary>
    internal void QuantizeInPlace()
    {
        if (typeof(T) != typeof(float)) throw new NotSupportedException($"int8 inference runs float32 models; this layer computes in {typeof(T).Name}.");
        Quantized = new QuantizedRecurrentLayer((RecurrentLayer<float>)(object)this);
    }

    private RecurrentOutput<T> ForwardQuantized(Tape<T> tape, Variable<T> x, IReadOnlyList<Variable<T>>? initialState, ReadOnlySpan<int> lengths)
    {
        if (IsTraining) throw new InvalidOperationException(QuantizedMessages.Training);
        var node = ((Tape<float>)(object)tape).Record<QuantizedLayerNode>();
        var result = node.Forward((RecurrentLayer<float>)(object)this, Quantized!, (Variable<float>)(object)x, (IReadOnlyList<Variable<float>>?)(object?)initialState, lengths);
        return (RecurrentOutput<T>)(object)result;
    }

    private void StepQuantized(ReadOnlySpan<T> x, RecurrentState<T> state, Span<T> output) =>
        Quantized!.Step(System.Runtime.InteropServices.MemoryMarshal.Cast<T, float>(x), (RecurrentState<float>)(object)state,
            System.Runtime.InteropServices.MemoryMarshal.Cast<T, float>(output));
}
