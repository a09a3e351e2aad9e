namespace Recurrent.Models;

/// <summary>How a decoder picks each token of the sequence it generates.</summary>
public enum DecodeStrategy
{
    /// <summary>The most likely token at every step.</summary>
    Greedy,

    /// <summary>A token drawn from the softmax at every step (sharpened or flattened by a temperature).</summary>
    Sample,

    /// <summary>
    /// Beam search: the K most likely partial sequences are kept at every step, and the most likely finished one wins
    /// (Graves, 2012; Sutskever et al., 2014).
    /// </summary>
    Beam,
}
