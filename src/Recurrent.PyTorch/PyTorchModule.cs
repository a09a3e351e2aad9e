using Recurrent.Autodiff;

namespace Recurrent.PyTorch;

/// <summary>
/// One submodule of a PyTorch model, as its <c>state_dict</c> names it: the attribute <paramref name="Name"/> (the
/// prefix of its tensors, <c>rnn</c> for <c>rnn.weight_ih_l0</c>) and its class.
/// </summary>
/// <param name="Name">The attribute name; may be dotted for a nested module (<c>encoder.rnn</c>).</param>
/// <param name="Kind">The <c>torch.nn</c> class.</param>
/// <param name="Nonlinearity">For <c>nn.RNN</c>, its <c>nonlinearity</c>: <see cref="Activation.Tanh"/> (PyTorch's default) or <see cref="Activation.Relu"/>.</param>
public sealed record PyTorchModule(string Name, PyTorchModuleKind Kind, Activation Nonlinearity = Activation.Tanh)
{
    /// <summary>The class as the architecture string writes it: <c>LSTM</c>, <c>RNN(relu)</c>, …</summary>
    /// <returns>The text.</returns>
    public override string ToString() => $"{Name}:{ClassName}";

    /// <summary>The class's name, with an RNN's nonlinearity when it is relu.</summary>
    internal string ClassName => Kind switch
    {
        PyTorchModuleKind.Embedding => "Embedding",
        PyTorchModuleKind.Lstm => "LSTM",
        PyTorchModuleKind.Gru => "GRU",
        PyTorchModuleKind.Rnn => Nonlinearity == Activation.Relu ? "RNN(relu)" : "RNN",
        _ => "Linear",
    };

    /// <summary>Whether this is a recurrent module (LSTM, GRU or RNN).</summary>
    internal bool IsRecurrent => Kind is PyTorchModuleKind.Lstm or PyTorchModuleKind.Gru or PyTorchModuleKind.Rnn;
}
