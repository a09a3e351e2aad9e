using Recurrent.Autodiff;
using Recurrent.Losses;
using Recurrent.Models;
using Recurrent.Tensors;

using TensorPrimitives = System.Numerics.Tensors.TensorPrimitives;

namespace Recurrent.Lecture.Experiments;

/// <summary>
/// Measures the vanishing gradient: the norm of <c>∂L/∂h[t]</c>, the gradient of the loss (read after the last step)
/// with respect to the hidden state after each step t, against the distance T − 1 − t from the loss.
/// </summary>
/// <remarks>
/// The cell is unrolled step by step on a tape (its reference equations, <see cref="Cells.IRecurrentCell{T}.Step"/>), so
/// that every state h[t] is a variable of its own; after the backward pass its gradient holds the total derivative,
/// everything that reaches h[t] from later steps. Backpropagation through time multiplies it by one Jacobian
/// <c>∂h[t+1]/∂h[t]</c> per step: for the basic cell <c>diag(φ'(a))·W_hh</c>, which shrinks it geometrically when its
/// norm is below 1 (Bengio, Simard and Frasconi, 1994; Pascanu, Mikolov and Bengio, 2013).
/// </remarks>
internal static class GradientProbe
{
    /// <summary>The mean over the batch of <c>‖∂L/∂h[t]‖₂</c>, indexed by distance d = T − 1 − t (so entry 0 is the last step).</summary>
    public static double[] Norms(SequenceClassifier<float> model, Tensor<float> x, Tensor<float> y)
    {
        var cell = model.Rnn.Cells[0];
        int batch = x.Dim(0), steps = x.Dim(1);
        var tape = new Tape<float>();
        var input = new Variable<float>(x);
        var state = new Variable<float>[cell.State.Count];
        for (int c = 0; c < state.Length; c++) state[c] = new Variable<float>(new Tensor<float>(batch, cell.State[c].Size));
        var hidden = new Variable<float>[steps];
        Variable<float> output = state[0];
        for (int t = 0; t < steps; t++)
        {
            var step = cell.Step(tape, tape.SelectStep(input, t, batchFirst: true), state);
            state = step.State;
            hidden[t] = step.State[0];
            output = step.Output;
        }
        var loss = tape.MeanSquaredError(model.Head.Forward(tape, output), y);
        model.ZeroGrad();
        tape.Backward(loss);
        model.ZeroGrad();
        var norms = new double[steps];
        for (int t = 0; t < steps; t++)
        {
            if (hidden[t].Grad is not { } g) continue;
            int size = g.Dim(1);
            double sum = 0;
            for (int b = 0; b < batch; b++) sum += TensorPrimitives.Norm<float>(g.Span.Slice(b * size, size));
            norms[steps - 1 - t] = sum / batch;
        }
        return norms;
    }
}
