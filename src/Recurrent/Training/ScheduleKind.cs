namespace Recurrent.Training;

/// <summary>The learning-rate schedule of a <see cref="Trainer{TBatch}"/>.</summary>
public enum ScheduleKind
{
    /// <summary>The same rate throughout.</summary>
    Constant,

    /// <summary>
    /// Linear warm-up over <see cref="TrainerOptions.WarmupSteps"/>, then half a cosine down to
    /// <see cref="TrainerOptions.MinLearningRate"/> over the budget: the share of steps, epochs or wall time spent,
    /// whichever is furthest along.
    /// </summary>
    Cosine,
}
