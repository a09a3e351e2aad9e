namespace Recurrent.Models;

/// <summary>How an N-1 model turns the recurrent layer's outputs at every step into one vector per sequence.</summary>
public enum TimePooling
{
    /// <summary>
    /// The lecture's "último paso": the output at each sequence's own last valid step (for a bidirectional layer, the
    /// forward half there and the reverse half at step 0, where each direction has read the whole sequence).
    /// </summary>
    LastStep,

    /// <summary>The lecture's "promedio": the mean of the outputs over each sequence's valid steps.</summary>
    Mean,
}
