using System.Globalization;
using System.Text.Json;

namespace Recurrent.Tests.Cli.Tasks;

/// <summary>
/// <c>recurrent train</c>, <c>evaluate</c> and <c>predict</c> as a user runs them, one process each, on generated data
/// with a learnable rule: each task trains, its model file alone is enough to evaluate and predict, and the metrics
/// show that the rule was learned (so the numbers come from the model, not from the data's labels).
/// </summary>
public sealed class TaskCommandTests(TaskDataFiles files) : IClassFixture<TaskDataFiles>
{
    private CliResult Run(params string[] args)
    {
        var result = CliProcess.Run(files.Folder, args);
        Assert.True(result.ExitCode == 0, $"recurrent {string.Join(' ', args)} exited {result.ExitCode}:\n{result.Stderr}\n{result.Stdout}");
        return result;
    }

    private static JsonElement Json(CliResult result) => JsonDocument.Parse(result.Stdout.Trim().Split('\n')[^1]).RootElement;

    [Fact]
    public void ClassifyWordsLearnsTheRuleAndPredictsFromTheModelFileAlone()
    {
        Run("train", "classify", "--data", "words.tsv", "--out", "classify-words", "--epochs", "12", "--hidden", "32", "--embed", "16", "--seed", "3");
        string model = Path.Combine("classify-words", "model.safetensors");
        Assert.True(File.Exists(files.PathOf(Path.Combine("classify-words", "confusion.png"))));
        Assert.True(File.Exists(files.PathOf(Path.Combine("classify-words", "metrics.jsonl"))));
        var metrics = Json(Run("evaluate", "--model", model, "--data", "words.tsv", "--json", "--plot", "cm.png"));
        Assert.Equal("classify", metrics.GetProperty("task").GetString());
        Assert.True(metrics.GetProperty("accuracy").GetDouble() >= 0.95, metrics.ToString());
        Assert.True(metrics.GetProperty("macro_f1").GetDouble() >= 0.95, metrics.ToString());
        Assert.Equal(File.ReadLines(files.PathOf("words.tsv")).Count() - 1, metrics.GetProperty("samples").GetInt32());
        Assert.Equal([0x89, (byte)'P', (byte)'N', (byte)'G'], File.ReadAllBytes(files.PathOf("cm.png"))[..4]);

        Assert.StartsWith("two ", Run("predict", "--model", model, "--text", "kalpo").Stdout.Trim());
        Run("predict", "--model", model, "--data", "words.tsv", "--out", "predicted.csv");
        var lines = File.ReadAllLines(files.PathOf("predicted.csv"));
        Assert.Equal("line,input,prediction,probability", lines[0]);
        Assert.Equal(File.ReadLines(files.PathOf("words.tsv")).Count(), lines.Length);
        var row = lines[1].Split(',');
        Assert.Equal("2", row[0]);
        double p = double.Parse(row[3], CultureInfo.InvariantCulture);
        Assert.InRange(p, 0.34, 1.0);
    }

    [Fact]
    public void ClassifyNumericRowsReadAsStepsAndRowsGroupedBySequence()
    {
        Run("train", "classify", "--data", "wide.csv", "--features", "a0:c1", "--step-features", "2", "--label", "label", "--out", "classify-wide", "--epochs", "15", "--hidden", "16", "--seed", "3");
        var wide = Json(Run("evaluate", "--model", Path.Combine("classify-wide", "model.safetensors"), "--data", "wide.csv", "--json", "--plot", "wide.png"));
        Assert.True(wide.GetProperty("accuracy").GetDouble() >= 0.95, wide.ToString());

        Run("train", "classify", "--data", "steps.csv", "--features", "v", "--sequence", "seq", "--label", "label", "--out", "classify-steps", "--epochs", "15", "--hidden", "16", "--seed", "3");
        var steps = Json(Run("evaluate", "--model", Path.Combine("classify-steps", "model.safetensors"), "--data", "steps.csv", "--json", "--plot", "steps.png"));
        Assert.Equal(300, steps.GetProperty("samples").GetInt32());
        Assert.True(steps.GetProperty("accuracy").GetDouble() >= 0.95, steps.ToString());
    }

    [Fact]
    public void TagJsonLinesLearnsOneTagPerToken()
    {
        Run("train", "tag", "--data", "tagged.jsonl", "--out", "tag", "--epochs", "15", "--batch", "16", "--warmup", "20", "--hidden", "32", "--embed", "16", "--seed", "3");
        var metrics = Json(Run("evaluate", "--model", Path.Combine("tag", "model.safetensors"), "--data", "tagged.jsonl", "--json"));
        Assert.True(metrics.GetProperty("token_accuracy").GetDouble() >= 0.95, metrics.ToString());
        Assert.Equal("a/V x/C b/P e/V", Run("predict", "--model", Path.Combine("tag", "model.safetensors"), "--text", "a x b e").Stdout.Trim());
    }

    [Fact]
    public void Seq2SeqWithAttentionCopiesAndScoresAgainstAnyReference()
    {
        Run("train", "seq2seq", "--data", "pairs.tsv", "--out", "s2s", "--epochs", "30", "--batch", "16", "--warmup", "20", "--hidden", "64", "--embed", "16", "--seed", "3");
        string model = Path.Combine("s2s", "model.safetensors");
        var greedy = Json(Run("evaluate", "--model", model, "--data", "pairs.tsv", "--json"));
        Assert.True(greedy.GetProperty("exact_match").GetDouble() >= 0.9, greedy.ToString());
        Assert.Equal(1 - greedy.GetProperty("exact_match").GetDouble(), greedy.GetProperty("wer").GetDouble(), 6);
        var beam = Json(Run("evaluate", "--model", model, "--data", "pairs.tsv", "--json", "--beam", "3"));
        Assert.True(beam.GetProperty("exact_match").GetDouble() >= 0.9, beam.ToString());
        Assert.Equal("C A B", Run("predict", "--model", model, "--text", "cab").Stdout.Trim());
        // A second reference per source: a wrong reference beside the right one does not make the sample wrong,
        // while a file of only wrong references scores no exact match at all.
        var lines = File.ReadAllLines(files.PathOf("pairs.tsv")).Skip(1).DistinctBy(l => l.Split('\t')[0]).Take(50).ToArray();
        files.Write("two-refs.tsv", "word\tletters\n" + string.Concat(lines.Select(l => l + "\n" + l.Split('\t')[0] + "\tX Y\n")));
        files.Write("wrong.tsv", "word\tletters\n" + string.Concat(lines.Select(l => l.Split('\t')[0] + "\tX Y\n")));
        var two = Json(Run("evaluate", "--model", model, "--data", "two-refs.tsv", "--json"));
        Assert.Equal(50, two.GetProperty("samples").GetInt32());
        Assert.True(two.GetProperty("exact_match").GetDouble() >= 0.9, two.ToString());
        Assert.Equal(0, Json(Run("evaluate", "--model", model, "--data", "wrong.tsv", "--json")).GetProperty("exact_match").GetDouble());
    }

    [Fact]
    public void ForecastBeatsPersistenceAndFeedsForecastsBackBeyondItsHorizon()
    {
        Run("train", "forecast", "--data", "series.csv", "--time", "year", "--target", "y", "--to", "1979", "--window", "12", "--epochs", "60", "--out", "forecast", "--seed", "3");
        string model = Path.Combine("forecast", "model.safetensors");
        var metrics = Json(Run("evaluate", "--model", model, "--data", "series.csv", "--from", "1980", "--to", "2039", "--json"));
        Assert.Equal(60, metrics.GetProperty("samples").GetInt32());
        Assert.True(metrics.GetProperty("arv").GetDouble() < 0.5 * metrics.GetProperty("persistence_arv").GetDouble(), metrics.ToString());
        Assert.True(metrics.GetProperty("rmse").GetDouble() > 0);

        var csv = Run("predict", "--model", model, "--data", "series.csv", "--horizon", "5", "--plot", "forecast.png").Stdout.Trim().Split('\n');
        Assert.Equal("origin,step,y_forecast,y_actual", csv[0]);
        Assert.Equal(6, csv.Length);
        Assert.All(csv.Skip(1), line => Assert.StartsWith("2039,", line));
        Assert.True(new FileInfo(files.PathOf("forecast.png")).Length > 1000);

        // Two columns in, two out, two steps ahead, on differences.
        Run("train", "forecast", "--data", "series.csv", "--time", "year", "--target", "y,z", "--horizon", "2", "--difference", "--to", "1979", "--epochs", "40", "--out", "forecast2", "--seed", "3");
        var two = Json(Run("evaluate", "--model", Path.Combine("forecast2", "model.safetensors"), "--data", "series.csv", "--from", "1980", "--json"));
        Assert.True(two.GetProperty("arv").GetDouble() < two.GetProperty("persistence_arv").GetDouble(), two.ToString());
        Assert.True(two.TryGetProperty("arv_z_h2", out _), two.ToString());
    }

    [Fact]
    public void AResumedRunEndsWithTheWeightsOfAnUninterruptedOne()
    {
        string[] common = ["train", "classify", "--data", "words.tsv", "--hidden", "8", "--embed", "4", "--schedule", "constant", "--input-dropout", "0.2", "--seed", "5"];
        Run([.. common, "--epochs", "3", "--out", "straight"]);
        Run([.. common, "--epochs", "1", "--out", "resumed"]);
        var refused = CliProcess.Run(files.Folder, "train", "classify", "--resume", "--out", "resumed", "--hidden", "9");
        CliProcess.AssertOneLineError(refused, "--hidden conflicts with --resume");
        Assert.Contains("Resuming at step", Run("train", "classify", "--resume", "--out", "resumed", "--epochs", "3").Stdout);
        var a = Recurrent.Models.Model.Load(files.PathOf(Path.Combine("straight", "last.safetensors")));
        var b = Recurrent.Models.Model.Load(files.PathOf(Path.Combine("resumed", "last.safetensors")));
        foreach (var ((name, x), (_, y)) in a.NamedParameters().Zip(b.NamedParameters()))
        {
            Assert.True(x.Value.ToArray().SequenceEqual(y.Value.ToArray()), $"{name} differs after resuming");
        }
    }
}
