using System.Numerics;
using Recurrent.Autodiff;
using Recurrent.Cells;
using Recurrent.Layers;
using Recurrent.Tensors;

namespace Recurrent.Models;

/// <summary>
/// The recurrent part of a task model (its encoder or decoder): which cell of the lecture, how wide, how deep, in
/// which directions. Saved in checkpoints inside each model's configuration.
/// </summary>
/// <param name="Cell">The cell: Elman, Jordan, Elman–Jordan, LSTM, or a GRU.</param>
/// <param name="HiddenSize">H, units of each cell's state.</param>
/// <param name="Layers">L, stacked layers.</param>
/// <param name="Bidirectional">Whether each layer also reads the sequence backwards (D = 2).</param>
/// <param name="CellOutputSize">
/// O, the size of the cell's own output layer ŷ = φ_y(W_yh·h + b_y): required by Jordan and Elman–Jordan (ŷ is what
/// they feed back), optional for Elman, ignored by LSTM and GRU. Null for none.
/// </param>
/// <param name="ForgetBias">The LSTM's initial forget-gate bias b_f (1 is the usual choice); null for the default initialisation.</param>
/// <param name="Nonlinearity">φ of the Elman, Jordan and Elman–Jordan cells.</param>
/// <param name="OutputActivation">φ_y of the cell's output layer, when it has one.</param>
public sealed record RecurrentSpec(CellKind Cell = CellKind.Lstm, int HiddenSize = 64, int Layers = 1, bool Bidirectional = false,
    int? CellOutputSize = null, double? ForgetBias = null, Activation Nonlinearity = Activation.Tanh, Activation OutputActivation = Activation.Tanh)
{
    /// <summary>The options of the <see cref="RecurrentLayer{T}"/> this spec builds.</summary>
    /// <returns>Batch-first options.</returns>
    public RecurrentLayerOptions ToLayerOptions() => new()
    {
        Layers = Layers,
        Bidirectional = Bidirectional,
        BatchFirst = true,
        Cell = new CellOptions
        {
            OutputSize = Cell is CellKind.Lstm or CellKind.Gru or CellKind.CudnnGru ? null : CellOutputSize,
            ForgetBias = ForgetBias,
            Nonlinearity = Nonlinearity,
            OutputActivation = OutputActivation,
        },
    };

    /// <summary>Checks the sizes; throws an <see cref="ArgumentException"/> naming the first bad one.</summary>
    /// <param name="role">What the layer is (<c>encoder</c>, <c>decoder</c>), for messages.</param>
    public void Validate(string role)
    {
        if (HiddenSize < 1) throw new ArgumentException($"The {role}'s HiddenSize is {HiddenSize}; expected a positive number of units.");
        if (Layers < 1) throw new ArgumentException($"The {role}'s Layers is {Layers}; expected at least 1.");
        if (Cell is CellKind.Jordan or CellKind.ElmanJordan && CellOutputSize is not > 0)
        {
            throw new ArgumentException($"The {role}'s {Cell} cell feeds its output back, so CellOutputSize must be a positive size; got {CellOutputSize?.ToString() ?? "null"}.");
        }
    }

    /// <summary>Creates the layer.</summary>
    /// <typeparam name="T">Element type.</typeparam>
    /// <param name="inputSize">I, features per input step.</param>
    /// <param name="rng">The initialisation's random source.</param>
    /// <returns>A batch-first recurrent layer.</returns>
    public RecurrentLayer<T> Build<T>(int inputSize, Rng rng) where T : unmanaged, IFloatingPointIeee754<T>
        => new(Cell, inputSize, HiddenSize, rng, ToLayerOptions());
}
