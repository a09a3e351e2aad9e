using System.Text;
using System.Text.Json.Nodes;
using Recurrent.Models;
using Recurrent.Serialization;
using Recurrent.Tests.Serialization;
using Recurrent.Training;

namespace Recurrent.Tests.Cli;

/// <summary>
/// <c>recurrent train lm</c>, <c>evaluate</c> and <c>predict</c> on a char-LM, run as processes: a few steps on a tiny
/// generated text validated on a separate file, then the model file scored and continued, its figures checked against
/// <see cref="CharLanguageModel{T}.ScoreCarried"/> and <see cref="CharLanguageModel{T}.ScoreWindows"/> computed here.
/// </summary>
public class LanguageModelTaskTests
{
    private static readonly string[] Tiny = ["--hidden", "8", "--layers", "1", "--embed", "4", "--batch", "2", "--window", "8", "--sample-length", "0"];

    /// <summary>Words of a small alphabet, newline-separated lines; deterministic.</summary>
    private static string Words(int count, int seed)
    {
        string[] words = ["the", "cat", "sat", "on", "a", "mat", "dog", "ran"];
        var rng = new Recurrent.Tensors.Rng((ulong)seed);
        var text = new StringBuilder();
        for (int i = 0; i < count; i++) text.Append(words[(int)(rng.NextDouble() * words.Length)]).Append(i % 9 == 8 ? '\n' : ' ');
        return text.ToString();
    }

    [Fact]
    public void TrainsOnDataValidatesOnValidThenEvaluatesAndPredicts()
    {
        using var folder = new TemporaryFolder();
        string data = folder.File("train.txt"), valid = folder.File("valid.txt"), output = folder.File("run");
        File.WriteAllText(data, Words(400, 1), new UTF8Encoding(false));
        File.WriteAllText(valid, Words(60, 2), new UTF8Encoding(false));

        var train = CliProcess.Run(folder.Path, ["train", "lm", "--data", data, "--valid", valid, "--out", output, "--steps", "6", "--eval-steps", "3", .. Tiny]);
        Assert.True(train.ExitCode == 0, train.Stderr);
        foreach (string file in new[] { "best.safetensors", "last.safetensors", "metrics.jsonl", "run.json", "loss-steps.png" }) Assert.True(File.Exists(Path.Combine(output, file)), file);
        Assert.Equal(valid, (string?)JsonNode.Parse(File.ReadAllText(Path.Combine(output, "run.json")))!["Validation"]);

        // The validation figure is the zero-state windows' score of the --valid file (its first character an input only).
        string best = Path.Combine(output, Trainer<Recurrent.Data.Text.TextBatch>.BestCheckpoint);
        var model = Model.Load<CharLanguageModel<float>>(best);
        int[] ids = model.Vocabulary!.Encode(File.ReadAllText(valid));
        double bestValidation = File.ReadAllLines(Path.Combine(output, "metrics.jsonl")).Select(l => (double)JsonNode.Parse(l)!["val_loss"]!).Min();
        Assert.Equal(bestValidation, model.ScoreWindows(ids, window: 8).NatsPerSymbol, 5);

        var evaluate = CliProcess.Run(folder.Path, "evaluate", "--model", best, "--data", valid, "--json");
        Assert.True(evaluate.ExitCode == 0, evaluate.Stderr);
        var json = JsonNode.Parse(evaluate.Stdout)!.AsObject();
        Assert.Equal("lm", (string?)json["task"]);
        Assert.Equal(ids.Length - 1, (long)json["symbols"]!);
        double windows = (double)json["nats_per_symbol"]!, carried = (double)json["nats_per_symbol_carried"]!;
        Assert.True(double.IsFinite(windows) && double.IsFinite(carried), evaluate.Stdout);
        Assert.Equal(model.ScoreWindows(ids).NatsPerSymbol, windows, 5);
        Assert.Equal(model.ScoreCarried(ids).NatsPerSymbol, carried, 5);
        Assert.Equal(carried / Math.Log(2), (double)json["bits_per_symbol_carried"]!, 5);

        var line = CliProcess.Run(folder.Path, "evaluate", "--model", best, "--data", valid);
        Assert.True(line.ExitCode == 0, line.Stderr);
        Assert.Contains("windows (zero state, T=64)", line.Stdout);
        Assert.Contains($"carried state {carried.ToString("F4", System.Globalization.CultureInfo.InvariantCulture)} nats/char", line.Stdout);
        Assert.Contains($"over {ids.Length - 1} predicted characters", line.Stdout);

        var predict = CliProcess.Run(folder.Path, "predict", "--model", best, "--text", "the c", "--length", "100");
        Assert.True(predict.ExitCode == 0, predict.Stderr);
        string continued = predict.Stdout.TrimEnd('\n');
        Assert.StartsWith("the c", continued);
        Assert.Equal(5 + 100, continued.Length);
        Assert.All(continued, c => Assert.True(model.Vocabulary.Contains(c), $"'{c}'"));

        // --resume continues the run on the texts of its run.json.
        var resumed = CliProcess.Run(folder.Path, ["train", "lm", "--resume", "--out", output, "--steps", "8", "--sample-length", "0"]);
        Assert.True(resumed.ExitCode == 0, resumed.Stderr);
        Assert.Equal(8, Checkpoint<float>.Load(Path.Combine(output, Trainer<Recurrent.Data.Text.TextBatch>.LastCheckpoint)).Step);
    }

    [Fact]
    public void ValidatesOnTheEndOfDataByDefault()
    {
        using var folder = new TemporaryFolder();
        string data = folder.File("train.txt"), output = folder.File("run");
        File.WriteAllText(data, Words(300, 3), new UTF8Encoding(false));
        var train = CliProcess.Run(folder.Path, ["train", "lm", "--data", data, "--valid-fraction", "0.2", "--out", output, "--steps", "2", .. Tiny]);
        Assert.True(train.ExitCode == 0, train.Stderr);
        var run = JsonNode.Parse(File.ReadAllText(Path.Combine(output, "run.json")))!.AsObject();
        Assert.Equal(0.2, (double)run["ValidationFraction"]!);
        Assert.False(run.ContainsKey("Validation"));
    }

    [Fact]
    public void AValidCharacterOutsideTheTrainingTextIsNamedWithItsLine()
    {
        using var folder = new TemporaryFolder();
        string data = folder.File("train.txt"), valid = folder.File("valid.txt"), output = folder.File("run");
        File.WriteAllText(data, Words(300, 4), new UTF8Encoding(false));
        File.WriteAllText(valid, "the cat\nsat on the zebra\n", new UTF8Encoding(false));
        var result = CliProcess.Run(folder.Path, ["train", "lm", "--data", data, "--valid", valid, "--out", output, "--steps", "2", .. Tiny]);
        CliProcess.AssertOneLineError(result, "'z' (U+007A) at position 19 (line 2, column 12)");
        Assert.Contains("valid.txt", result.Stderr);
        Assert.Contains("training text's", result.Stderr);
        Assert.False(Directory.Exists(output));
    }
}
