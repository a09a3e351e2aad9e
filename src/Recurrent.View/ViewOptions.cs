namespace Recurrent.View;

/// <summary>What <see cref="ViewServer"/> serves: the runs, the model files, the port and the input cap.</summary>
/// <param name="RunsDirectory">
/// The folder whose runs the Runs view lists: every folder under it (itself included, up to three levels down) that holds
/// a <c>metrics.jsonl</c>. Its <c>*.safetensors</c> files are also offered as models. Need not exist (the page says so).
/// </param>
/// <param name="ModelFile">A model file offered first in the Inside and Gradient views, or null.</param>
/// <param name="Port">The port on 127.0.0.1; 0 picks a free one.</param>
public sealed record ViewOptions(string RunsDirectory = "runs", string? ModelFile = null, int Port = 5150)
{
    /// <summary>The most characters of text the activation, search and gradient views read; longer texts are cut with a message.</summary>
    public int MaxInputChars { get; init; } = 2000;

    /// <summary>Checks every field; throws <see cref="ArgumentException"/> naming the first bad one.</summary>
    public void Validate()
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(RunsDirectory);
        if (Port is < 0 or > 65535) throw new ArgumentOutOfRangeException(nameof(Port), $"Port must be from 0 to 65535; got {Port}.");
        if (MaxInputChars is < 2 or > 100_000) throw new ArgumentOutOfRangeException(nameof(MaxInputChars), $"MaxInputChars must be from 2 to 100,000; got {MaxInputChars}.");
    }
}
