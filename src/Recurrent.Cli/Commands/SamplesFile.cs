using System.Text.Json;

namespace Recurrent.Cli.Commands;

/// <summary>
/// The text sampled at each validation of a char-LM run, kept beside its metrics as JSON lines in
/// <c>OUT/samples.jsonl</c> (<c>{"step":…,"wall_s":…,"val_loss":…,"text":"…"}</c>), so that <c>recurrent view</c> can
/// show how the samples improve. A resumed run appends; a new run starts the file afresh.
/// </summary>
internal static class SamplesFile
{
    /// <summary>The file name in the run folder.</summary>
    public const string FileName = "samples.jsonl";

    /// <summary>Appends one sample.</summary>
    /// <param name="output">The run folder.</param>
    /// <param name="step">The optimizer step of the validation.</param>
    /// <param name="wallSeconds">Training seconds so far.</param>
    /// <param name="validationLoss">The validation loss, or null.</param>
    /// <param name="text">The sample.</param>
    public static void Append(string output, long step, double wallSeconds, double? validationLoss, string text)
    {
        using var stream = new FileStream(Path.Combine(output, FileName), FileMode.Append, FileAccess.Write, FileShare.ReadWrite);
        using (var json = new Utf8JsonWriter(stream))
        {
            json.WriteStartObject();
            json.WriteNumber("step", step);
            json.WriteNumber("wall_s", Math.Round(wallSeconds, 3));
            if (validationLoss is { } v && double.IsFinite(v)) json.WriteNumber("val_loss", v);
            json.WriteString("text", text);
            json.WriteEndObject();
        }
        stream.WriteByte((byte)'\n');
    }

    /// <summary>Deletes the samples of an earlier run in <paramref name="output"/>, if any.</summary>
    /// <param name="output">The run folder.</param>
    public static void Clear(string output) => File.Delete(Path.Combine(output, FileName));
}
