namespace Recurrent.Models;

/// <summary>The choices of a generation: strategy, beam width, temperature, length limit, random source.</summary>
public sealed record DecodeOptions
{
    /// <summary>Greedy (default), sampling or beam search.</summary>
    public DecodeStrategy Strategy { get; init; } = DecodeStrategy.Greedy;

    /// <summary>K, the hypotheses beam search keeps. Default 4.</summary>
    public int BeamWidth { get; init; } = 4;

    /// <summary>τ of sampling: tokens are drawn from <c>softmax(z/τ)</c>. Default 1.</summary>
    public double Temperature { get; init; } = 1.0;

    /// <summary>The most tokens generated, <c>&lt;end&gt;</c> excluded; null for the model's longest training target.</summary>
    public int? MaxTokens { get; init; }

    /// <summary>The seed of sampling.</summary>
    public ulong Seed { get; init; } = 1;

    /// <summary>Checks the values; throws an <see cref="ArgumentException"/> naming the first bad one.</summary>
    public void Validate()
    {
        if (BeamWidth < 1) throw new ArgumentException($"BeamWidth is {BeamWidth}; expected at least 1.");
        if (!(Temperature > 0) || !double.IsFinite(Temperature)) throw new ArgumentException($"Temperature is {Temperature}; expected a finite value > 0.");
        if (MaxTokens is < 1) throw new ArgumentException($"MaxTokens is {MaxTokens}; expected at least 1.");
    }
}
