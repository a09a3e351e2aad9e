using System.Numerics;

namespace Recurrent.Cells;

/// <summary>The inputs and outputs of one fused forward pass over a sequence (one layer, one direction).</summary>
internal ref struct FusedForwardArgs<T> where T : unmanaged, IFloatingPointIeee754<T>
{
    /// <summary>The input sequence, <c>(B, T, I)</c> or <c>(T, B, I)</c>.</summary>
    public ReadOnlySpan<T> X;
    public bool BatchFirst;
    public int Batch, Steps;
    /// <summary>Each sequence's length, or empty when all have T steps.</summary>
    public ReadOnlySpan<int> Lengths;
    /// <summary>Run t = T−1 … 0.</summary>
    public bool Reverse;
    /// <summary>Save what the backward pass needs; otherwise keep only what the next step needs.</summary>
    public bool Training;
    /// <summary>Initial states <c>(B, H)</c>; <see cref="C0"/> is empty for cells without a cell state.</summary>
    public ReadOnlySpan<T> H0, C0;
    /// <summary>
    /// The output sequence, same layout as <see cref="X"/>, written at features <c>[OutputOffset, OutputOffset + H)</c> of
    /// rows of <see cref="OutputStride"/> features (a bidirectional layer's two directions share one buffer); zero at padded steps.
    /// </summary>
    public Span<T> Output;
    public int OutputStride, OutputOffset;
    /// <summary>Final states <c>(B, H)</c>.</summary>
    public Span<T> HN, CN;
}

/// <summary>The gradients a fused backward pass reads and accumulates into.</summary>
internal ref struct FusedBackwardArgs<T> where T : unmanaged, IFloatingPointIeee754<T>
{
    /// <summary>d loss / d output, in the output's layout and stride; empty when no gradient reached the output.</summary>
    public ReadOnlySpan<T> DOutput;
    public int OutputStride, OutputOffset;
    /// <summary>d loss / d final states; empty when none reached them.</summary>
    public ReadOnlySpan<T> DHN, DCN;
    /// <summary>Accumulated d loss / d x, in the input's layout; empty when x needs no gradient.</summary>
    public Span<T> DX;
    /// <summary>Accumulated d loss / d initial states; empty when they need none.</summary>
    public Span<T> DH0, DC0;
}
