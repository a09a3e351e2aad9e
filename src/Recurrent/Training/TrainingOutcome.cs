namespace Recurrent.Training;

/// <summary>Why a training run ended.</summary>
public enum StopReason
{
    /// <summary>The step or time budget was spent.</summary>
    Budget,

    /// <summary>The validation loss stopped improving for <see cref="CharLmTrainingOptions.Patience"/> validations.</summary>
    EarlyStopping,

    /// <summary>The caller cancelled (Ctrl-C); a checkpoint was saved.</summary>
    Interrupted,
}

/// <summary>How a run ended and where it got.</summary>
/// <param name="Reason">Why it stopped.</param>
/// <param name="Last">The last validation.</param>
/// <param name="BestValidationLoss">The best validation loss of the run.</param>
public sealed record TrainingOutcome(StopReason Reason, ValidationRecord Last, double BestValidationLoss);
