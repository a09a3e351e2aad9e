using System.Numerics;
using Recurrent.Autodiff;
using Recurrent.Cells;
using Recurrent.Tensors;

namespace Recurrent.Layers;

/// <summary>
/// What a recurrent layer is: which cell of the lecture, how wide, how deep, in which directions, with which dropout and
/// layout. The one description of a recurrent layer everywhere: the <see cref="RecurrentLayer{T}"/> constructor takes
/// it, and every model's configuration holds one (saved as JSON in its checkpoints). PyTorch's <c>nn.LSTM</c> arguments
/// (<c>hidden_size</c>, <c>num_layers</c>, <c>bidirectional</c>, <c>dropout</c>, <c>batch_first</c>,
/// <c>nonlinearity</c>) plus the lecture's cell options.
/// </summary>
/// <remarks>
/// Every field has a default, so name only what differs: <c>new RecurrentSpec { Cell = CellKind.Gru, HiddenSize = 64, Layers = 2 }</c>.
/// The defaults sit in the constructor rather than in property initialisers because System.Text.Json's source
/// generator keeps a constructor parameter's default for a key missing from the JSON, but resets an init-only
/// property to <c>default</c> (dotnet/runtime#84484): a file saved before a field existed still reads with its default.
/// </remarks>
/// <example>
/// <code>
/// var spec = new RecurrentSpec { Cell = CellKind.Gru, HiddenSize = 64, Layers = 2 };
/// var layer = new RecurrentLayer&lt;float&gt;(inputSize: 8, spec, new Rng(42));
/// </code>
/// </example>
/// <param name="Cell">
/// The cell: Elman, Jordan, Elman–Jordan, LSTM, or a GRU. Default LSTM. <see cref="CellKind.Custom"/> for a cell of
/// your own, which the layer then makes with the <c>createCell</c> function given to its constructor
/// (<see cref="RecurrentLayer{T}"/>); the cell options below are then the cell's own business and ignored.
/// </param>
/// <param name="HiddenSize">H, units of each cell's state. Default 64.</param>
/// <param name="Layers">L, stacked layers; layer k &gt; 0 reads layer k − 1's output. Default 1.</param>
/// <param name="Bidirectional">Whether each layer also reads the sequence backwards (D = 2), the two outputs concatenated forward first. Default false.</param>
/// <param name="Dropout">Dropout probability on each layer's output except the last's, while training, in [0, 1). Default 0.</param>
/// <param name="BatchFirst">Whether sequences are <c>(B, T, I)</c> (true, the default) or <c>(T, B, I)</c>.</param>
/// <param name="CellOutputSize">
/// O, the size of the cell's own output layer ŷ = φ_y(W_yh·h + b_y): required by Jordan and Elman–Jordan (ŷ is what
/// they feed back), optional for Elman (null: the cell outputs h, as PyTorch's <c>nn.RNN</c>), ignored by LSTM and
/// GRU. Default null.
/// </param>
/// <param name="ForgetBias">
/// The LSTM's initial forget-gate bias b_f (the f block of <c>bias_ih</c>, with <c>bias_hh</c>'s zeroed); null keeps
/// the default initialisation. 1 is the usual choice (Jozefowicz et al., 2015). Ignored by other cells.
/// </param>
/// <param name="Nonlinearity">φ of the Elman, Jordan and Elman–Jordan cells' state. Default tanh, as PyTorch.</param>
/// <param name="OutputActivation">φ_y of the cell's output layer, when it has one. Default tanh (a bounded output keeps Jordan's feedback stable).</param>
public sealed record RecurrentSpec(
    CellKind Cell = CellKind.Lstm,
    int HiddenSize = 64,
    int Layers = 1,
    bool Bidirectional = false,
    double Dropout = 0,
    bool BatchFirst = true,
    int? CellOutputSize = null,
    double? ForgetBias = null,
    Activation Nonlinearity = Activation.Tanh,
    Activation OutputActivation = Activation.Tanh)
{
    /// <summary>Checks every field; throws an <see cref="ArgumentException"/> naming the first bad one and what it should be.</summary>
    /// <param name="role">What the layer is (<c>encoder</c>, <c>decoder</c>, …), for messages.</param>
    public void Validate(string role = "recurrent layer")
    {
        if (!Enum.IsDefined(Cell)) throw new ArgumentException($"The {role}'s Cell is {Cell}; expected one of {string.Join(", ", Enum.GetNames<CellKind>())}.");
        if (HiddenSize < 1) throw new ArgumentException($"The {role}'s HiddenSize is {HiddenSize}; expected a positive number of units.");
        if (Layers < 1) throw new ArgumentException($"The {role}'s Layers is {Layers}; expected at least 1.");
        if (!(Dropout is >= 0 and < 1)) throw new ArgumentException($"The {role}'s Dropout is {Dropout}; expected a probability in [0, 1).");
        if (Cell is CellKind.Jordan or CellKind.ElmanJordan && CellOutputSize is not > 0)
        {
            throw new ArgumentException($"The {role}'s {Cell} cell feeds its output back, so CellOutputSize must be a positive size; got {CellOutputSize?.ToString() ?? "null"}.");
        }
        if (CellOutputSize is < 1) throw new ArgumentException($"The {role}'s CellOutputSize is {CellOutputSize}; expected null (no output layer) or a positive size.");
        if (ForgetBias is { } b && !double.IsFinite(b)) throw new ArgumentException($"The {role}'s ForgetBias is {b}; expected a finite number, or null for the default initialisation.");
        if (!Enum.IsDefined(Nonlinearity)) throw new ArgumentException($"The {role}'s Nonlinearity is {Nonlinearity}; expected one of {string.Join(", ", Enum.GetNames<Activation>())}.");
        if (!Enum.IsDefined(OutputActivation)) throw new ArgumentException($"The {role}'s OutputActivation is {OutputActivation}; expected one of {string.Join(", ", Enum.GetNames<Activation>())}.");
    }

    /// <summary>A new cell of this spec with freshly initialised weights: what the layer creates for each layer and direction.</summary>
    /// <typeparam name="T">Element type.</typeparam>
    /// <param name="inputSize">I of this cell (the layer's input, or the previous layer's output).</param>
    /// <param name="rng">The initialisation's random source.</param>
    /// <returns>The cell.</returns>
    internal IRecurrentCell<T> CreateCell<T>(int inputSize, Rng rng) where T : unmanaged, IFloatingPointIeee754<T> => Cell switch
    {
        CellKind.Elman => new ElmanCell<T>(inputSize, HiddenSize, rng, Nonlinearity, CellOutputSize, OutputActivation),
        CellKind.Jordan => new JordanCell<T>(inputSize, HiddenSize, CellOutputSize ?? 0, rng, Nonlinearity, OutputActivation),
        CellKind.ElmanJordan => new ElmanJordanCell<T>(inputSize, HiddenSize, CellOutputSize ?? 0, rng, Nonlinearity, OutputActivation),
        CellKind.Lstm => new LstmCell<T>(inputSize, HiddenSize, rng, ForgetBias),
        CellKind.Gru => new GruCell<T>(inputSize, HiddenSize, rng),
        CellKind.CudnnGru => new CudnnGruCell<T>(inputSize, HiddenSize, rng),
        CellKind.Custom => throw new ArgumentException("The spec's Cell is Custom, a cell of your own, which the library cannot make: pass a createCell function to new RecurrentLayer<T>(inputSize, spec, createCell, rng)."),
        _ => throw new ArgumentOutOfRangeException(nameof(Cell), $"unknown cell kind {Cell}."),
    };
}
