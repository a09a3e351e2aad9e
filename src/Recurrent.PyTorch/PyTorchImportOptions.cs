using Recurrent.Models;

namespace Recurrent.PyTorch;

/// <summary>
/// What a <c>state_dict</c> does not say about a model: how its forward pass turns the recurrent outputs into what the
/// final Linear reads.
/// </summary>
/// <param name="Pooling">
/// <see cref="SequencePooling.AllSteps"/> (the default): <c>fc(out)</c>, the head on every step (a tagger);
/// <see cref="SequencePooling.LastStep"/>: <c>fc(out[:, -1])</c> (a classifier; for a bidirectional layer, Recurrent
/// takes the reverse direction's half at step 0, where it has read the whole sequence, rather than at the last step);
/// <see cref="SequencePooling.Mean"/>: <c>fc(out.mean(1))</c>.
/// </param>
public sealed record PyTorchImportOptions(SequencePooling Pooling = SequencePooling.AllSteps);
