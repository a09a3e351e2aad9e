using Recurrent.Autodiff;
using Recurrent.Tensors;


namespace Recurrent.Layers;

/// <summary>
/// Measures the vanishing gradient of a recurrent stack: the norm of <c>∂L/∂h[t]</c>, the gradient of a loss read
/// after the last step with respect to each layer's hidden state after step t, against the distance T − 1 − t from
/// the loss (the lecture's long-term-dependency plot).
/// </summary>
/// <remarks>
/// Every cell is unrolled step by step on a tape (its reference equations, <see cref="Cells.IRecurrentCell{T}.Step"/>),
/// layer k's output feeding layer k+1 at the same step, so that every state h[t] is a variable of its own; after the
/// backward pass its gradient holds the total derivative, everything that reaches h[t] from later steps (and, below
/// the top layer, from the layers above). Backpropagation through time multiplies it by one Jacobian
/// <c>∂h[t+1]/∂h[t]</c> per step: for the basic cell <c>diag(φ'(a))·W_hh</c>, which shrinks it geometrically when its
/// norm is below 1 (Bengio, Simard and Frasconi, 1994; Pascanu, Mikolov and Bengio, 2013). No dropout is applied.
/// The layer's gradients are zeroed before and after; the caller zeroes those of whatever else its loss reads.
/// </remarks>
public static class GradientFlow
{
    /// <summary>
    /// The mean over the batch of <c>‖∂L/∂h[t]‖₂</c> for every layer, indexed <c>[layer][d]</c> by distance
    /// d = T − 1 − t (entry 0 is the last step); 0 where no gradient reaches.
    /// </summary>
    /// <param name="layer">A unidirectional recurrent stack.</param>
    /// <param name="x">The input, <c>(B, T, I)</c>.</param>
    /// <param name="loss">The scalar loss from the top layer's last output <c>(B, OutputSize)</c>, recorded on the given tape.</param>
    /// <returns>The norms per layer and distance.</returns>
    public static double[][] StateGradientNorms(RecurrentLayer<float> layer, Tensor<float> x, Func<Tape<float>, Variable<float>, Variable<float>> loss)
    {
        ArgumentNullException.ThrowIfNull(layer);
        ArgumentNullException.ThrowIfNull(x);
        ArgumentNullException.ThrowIfNull(loss);
        if (layer.Directions != 1) throw new ArgumentException("The layer is bidirectional; the gradient flow is measured on a unidirectional stack.", nameof(layer));
        if (x.Rank != 3 || x.Dim(2) != layer.InputSize) throw new ArgumentException($"x must be (B, T, I) with I = {layer.InputSize}; got {Tensor<float>.ShapeText(x.Shape)}.", nameof(x));
        int batch = x.Dim(0), steps = x.Dim(1), layers = layer.Cells.Count;
        var tape = new Tape<float>();
        var input = new Variable<float>(x);
        var states = new Variable<float>[layers][];
        var hidden = new Variable<float>[layers, steps];
        for (int k = 0; k < layers; k++)
        {
            var cell = layer.Cells[k];
            states[k] = new Variable<float>[cell.State.Count];
            for (int c = 0; c < states[k].Length; c++) states[k][c] = new Variable<float>(new Tensor<float>(batch, cell.State[c].Size));
        }
        Variable<float> output = states[layers - 1][0];
        for (int t = 0; t < steps; t++)
        {
            output = tape.SelectStep(input, t, batchFirst: true);
            for (int k = 0; k < layers; k++)
            {
                var step = layer.Cells[k].Step(tape, output, states[k]);
                states[k] = step.State;
                hidden[k, t] = step.State[0];
                output = step.Output;
            }
        }
        var scalar = loss(tape, output);
        layer.ZeroGrad();
        tape.Backward(scalar);
        layer.ZeroGrad();
        var norms = new double[layers][];
        for (int k = 0; k < layers; k++)
        {
            norms[k] = new double[steps];
            for (int t = 0; t < steps; t++)
            {
                if (hidden[k, t].Grad is not { } g) continue;
                int size = g.Dim(1);
                double sum = 0;
                for (int b = 0; b < batch; b++) sum += TensorPrimitives.Norm<float>(g.Span.Slice(b * size, size));
                norms[k][steps - 1 - t] = sum / batch;
            }
        }
        return norms;
    }
}
