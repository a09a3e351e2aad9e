using Recurrent.Layers;
using Recurrent.Losses;
using Recurrent.Models;
using Recurrent.Tensors;

namespace Recurrent.Lecture.Experiments;

/// <summary>
/// Measures the vanishing gradient: the norm of <c>∂L/∂h[t]</c>, the gradient of the loss (read after the last step)
/// with respect to the hidden state after each step t, against the distance T − 1 − t from the loss.
/// </summary>
/// <remarks>
/// The machinery is the library's <see cref="GradientFlow"/>: the cell is unrolled step by step on a tape (its reference equations, <see cref="Cells.IRecurrentCell{T}.Step"/>), so
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
        model.ZeroGrad();
        double[] norms = GradientFlow.StateGradientNorms(model.Rnn, x, (tape, last) => tape.MeanSquaredError(model.Head.Forward(tape, last), y))[0];
        model.ZeroGrad();
        return norms;
    }
}
