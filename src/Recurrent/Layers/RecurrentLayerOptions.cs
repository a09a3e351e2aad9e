using Recurrent.Cells;

namespace Recurrent.Layers;

/// <summary>How a <see cref="RecurrentLayer{T}"/> stacks and runs its cells (PyTorch's <c>nn.LSTM</c> arguments).</summary>
public sealed record RecurrentLayerOptions
{
    /// <summary>Number of stacked layers L; layer k &gt; 0 reads layer k − 1's output. Default 1.</summary>
    public int Layers { get; init; } = 1;

    /// <summary>Also run each layer backwards in time and concatenate the two outputs (forward features first).</summary>
    public bool Bidirectional { get; init; }

    /// <summary>Dropout probability on each layer's output except the last's, while training. Default 0.</summary>
    public double Dropout { get; init; }

    /// <summary>Whether sequences are <c>(B, T, F)</c> (true, the default) or <c>(T, B, F)</c>.</summary>
    public bool BatchFirst { get; init; } = true;

    /// <summary>Options passed to every cell.</summary>
    public CellOptions Cell { get; init; } = new();
}
