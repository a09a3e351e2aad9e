namespace Recurrent.Cli.Tasks;

/// <summary>
/// One sample as read from a file, before vocabularies and statistics turn it into numbers: its symbols or feature
/// values, and its label, tags or target sequences (several when the data lists several references).
/// </summary>
internal sealed class RawSample
{
    /// <summary>The file line where the sample starts (its first row).</summary>
    public long Line { get; init; }

    /// <summary>What identifies the sample: its input text, or its sequence id or line; samples with equal keys are one sample with several references.</summary>
    public required string Key { get; init; }

    /// <summary>The input symbols, or null for numeric features.</summary>
    public IReadOnlyList<string>? Symbols { get; init; }

    /// <summary>Feature values, row-major (steps, features); NaN where a value was missing and is to be interpolated.</summary>
    public double[]? Values { get; init; }

    /// <summary>Steps of the sample.</summary>
    public int Steps { get; init; }

    /// <summary>The class (classify), or null when the data has none (predict).</summary>
    public string? Label { get; init; }

    /// <summary>One tag per step (tag), or null.</summary>
    public IReadOnlyList<string>? Tags { get; init; }

    /// <summary>The target sequences (seq2seq); a prediction is right if it matches any of them.</summary>
    public List<IReadOnlyList<string>>? References { get; init; }
}
