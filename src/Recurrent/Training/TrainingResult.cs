namespace Recurrent.Training;

/// <summary>How a <see cref="Trainer{TBatch}.Fit"/> run ended, and its metrics history.</summary>
/// <param name="Reason">Why it stopped.</param>
/// <param name="Steps">Optimiser steps taken in all (a resumed run counts its earlier steps).</param>
/// <param name="Epochs">Completed passes over the training data.</param>
/// <param name="WallSeconds">Training wall time, validation excluded.</param>
/// <param name="BestValidationLoss">The best validation loss, or null without validation data.</param>
/// <param name="History">One record per validation (or per epoch without validation data), the last at the end of the run.</param>
public sealed record TrainingResult(StopReason Reason, long Steps, int Epochs, double WallSeconds, double? BestValidationLoss, IReadOnlyList<TrainingRecord> History)
{
    /// <summary>The last record: the model's state when the run ended.</summary>
    public TrainingRecord Last => History[^1];
}
