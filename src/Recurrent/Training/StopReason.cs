namespace Recurrent.Training;

/// <summary>Why a training run ended.</summary>
public enum StopReason
{
    /// <summary>The epoch, step or time budget was spent.</summary>
    Budget,

    /// <summary>The validation loss did not improve for <see cref="TrainerOptions.Patience"/> validations.</summary>
    EarlyStopping,

    /// <summary>The caller cancelled (Ctrl-C); the last checkpoint was written.</summary>
    Cancelled,
}
