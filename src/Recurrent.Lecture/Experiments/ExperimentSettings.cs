namespace Recurrent.Lecture.Experiments;

/// <summary>What every experiment accepts: its seed, its budget, where to save models, where to report progress.</summary>
public sealed record ExperimentSettings
{
    /// <summary>The seed of the data and of the initialisation. Default 1.</summary>
    public ulong Seed { get; init; } = 1;

    /// <summary>Training steps of each run; null for the experiment's default.</summary>
    public int? Steps { get; init; }

    /// <summary>
    /// The wall-clock budget of the whole experiment in minutes, shared among its runs; a run that reaches its share
    /// stops early and says so. Null for the experiment's default (sized for 2 cores, under 10 minutes).
    /// </summary>
    public double? Minutes { get; init; }

    /// <summary>A folder to save the trained models in (checkpoints), or null not to save them.</summary>
    public string? SaveDirectory { get; init; }

    /// <summary>Receives progress lines; null for silence.</summary>
    public Action<string>? Log { get; init; }

    /// <summary>Checks the values; throws an <see cref="ArgumentException"/> naming the first bad one.</summary>
    public void Validate()
    {
        if (Steps is < 1) throw new ArgumentException($"Steps is {Steps}; expected at least 1 training step.");
        if (Minutes is { } m && !(m > 0 && double.IsFinite(m))) throw new ArgumentException($"Minutes is {m}; expected a positive number.");
    }
}
