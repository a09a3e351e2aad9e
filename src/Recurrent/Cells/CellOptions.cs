using Recurrent.Autodiff;

namespace Recurrent.Cells;

/// <summary>Choices that shape a cell beyond its kind and sizes.</summary>
public sealed record CellOptions
{
    /// <summary>φ of the Elman, Jordan and Elman–Jordan cells' state. Default tanh, as PyTorch.</summary>
    public Activation Nonlinearity { get; init; } = Activation.Tanh;

    /// <summary>
    /// Size O of the output ŷ = φ_y(W_yh·h + b_y). Required by Jordan and Elman–Jordan (ŷ is what they feed back);
    /// optional for Elman (null: the cell outputs h, as PyTorch's <c>nn.RNN</c>).
    /// </summary>
    public int? OutputSize { get; init; }

    /// <summary>φ_y of the output layer. Default tanh (a bounded output keeps Jordan's feedback stable).</summary>
    public Activation OutputActivation { get; init; } = Activation.Tanh;

    /// <summary>Initial value of the LSTM forget-gate bias b_f (in <c>bias_ih</c>); null keeps the default initialisation.
    /// 1 is the usual choice (Jozefowicz et al., 2015).</summary>
    public double? ForgetBias { get; init; }
}
