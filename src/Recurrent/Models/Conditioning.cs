namespace Recurrent.Models;

/// <summary>How a one-to-many (1-N) model's input vector (image features) enters its recurrent decoder.</summary>
public enum Conditioning
{
    /// <summary>The vector sets the initial state, <c>h[0] = tanh(W_init·f + b_init)</c>, as in Karpathy and Fei-Fei's and Vinyals et al.'s captioners.</summary>
    InitialState,

    /// <summary>The vector is fed at every step beside the previous word, <c>x[t] = [E·w[t], f]</c>, as in the LRCN captioner.</summary>
    EveryStep,
}
