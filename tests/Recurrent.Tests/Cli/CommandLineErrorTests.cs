using System.Text;
using Recurrent.Serialization;
using Recurrent.Layers;
using Recurrent.Models;
using Recurrent.Tensors;
using Recurrent.Tests.Serialization;

namespace Recurrent.Tests.Cli;

/// <summary>
/// The <c>recurrent</c> command as a user meets it, run as a separate process: bad input gets one line on stderr that
/// names the problem and a non-zero exit code, never a stack trace, and files from earlier runs stay as they were.
/// </summary>
public sealed class CommandLineErrorTests : IDisposable
{
    private readonly TemporaryFolder _folder = new();

    public void Dispose() => _folder.Dispose();

    public static TheoryData<string, string?, string> BadCorpora() => new()
    {
        { "missing.txt", null, "does not exist" },
        { "empty.txt", "", "is empty" },
        { "binary.txt", "PK\u0003\u0004\0\0binary", "looks binary" },
        { "one-symbol.txt", new string('a', 5000), "single distinct character" },
        { "short.txt", "to be or not", "too short" },
    };

    [Theory]
    [MemberData(nameof(BadCorpora))]
    public void ABadCorpusIsOneLineAndLeavesTheEarlierRunAlone(string name, string? content, string expected)
    {
        string corpus = _folder.File(name);
        if (content is not null) File.WriteAllText(corpus, content, new UTF8Encoding(false));
        string run = EarlierRun();

        var result = Cli("charlm", "train", "--corpus", corpus, "--steps", "1", "--out", _folder.File("new-run"));

        AssertOneLineError(result, expected);
        AssertEarlierRunIntact(run);
    }

    [Theory]
    [InlineData("--hidden", "0")]
    [InlineData("--layers", "-1")]
    [InlineData("--batch", "0")]
    [InlineData("--window", "0")]
    [InlineData("--minutes", "0")]
    [InlineData("--steps", "-5")]
    public void ANonPositiveSizeOrBudgetIsNamed(string option, string value)
    {
        var result = Cli("charlm", "train", "--corpus", Corpus(), "--out", _folder.File("run"), option, value);

        AssertOneLineError(result, option);
        Assert.False(Directory.Exists(_folder.File("run")), "a refused run created its output folder");
    }

    [Fact]
    public void AnExistingRunIsNotOverwritten()
    {
        string run = EarlierRun();

        var result = Cli("charlm", "train", "--corpus", Corpus(), "--steps", "1", "--out", run);

        AssertOneLineError(result, "already holds a run");
        AssertEarlierRunIntact(run);
    }

    [Fact]
    public void ACorruptOrTruncatedCheckpointIsRejected()
    {
        string good = TrainTinyModel();
        byte[] bytes = File.ReadAllBytes(good);
        string truncated = _folder.File("truncated.safetensors");
        File.WriteAllBytes(truncated, bytes[..(bytes.Length / 2)]);
        string garbage = _folder.File("garbage.safetensors");
        File.WriteAllBytes(garbage, Encoding.ASCII.GetBytes("this is not a checkpoint at all, just text"));

        foreach (string checkpoint in new[] { truncated, garbage })
        {
            var result = Cli("charlm", "sample", "--checkpoint", checkpoint, "--length", "10");
            AssertOneLineError(result, Path.GetFileName(checkpoint));
        }
    }

    [Fact]
    public void ACheckpointOfAnotherModelIsRejected()
    {
        var classifier = new SequenceClassifier<float>(new SequenceClassifierConfig(InputSize: 3, Outputs: 2, new RecurrentSpec { HiddenSize = 4 }), new Rng(1));
        string other = _folder.File("classifier.safetensors");
        classifier.Save(other);

        var result = Cli("charlm", "sample", "--checkpoint", other, "--length", "10");

        AssertOneLineError(result, "classifier.safetensors: the file holds a 'sequence-classifier' model; expected a CharLanguageModel.");
    }

    [Fact]
    public void APrimeOutsideTheVocabularyIsNamed()
    {
        string checkpoint = TrainTinyModel();

        var result = Cli("charlm", "sample", "--checkpoint", checkpoint, "--prime", "abc€", "--length", "10");

        AssertOneLineError(result, "€");
    }

    [Fact]
    public void ASmallModelTrainsSamplesAndEvaluates()
    {
        string checkpoint = TrainTinyModel();

        var sample = Cli("charlm", "sample", "--checkpoint", checkpoint, "--prime", "ab", "--length", "20", "--seed", "3");
        var eval = Cli("charlm", "eval", "--checkpoint", checkpoint, "--file", Corpus());

        Assert.True(sample.ExitCode == 0, sample.Stderr);
        Assert.StartsWith("ab", sample.Stdout);
        Assert.True(eval.ExitCode == 0, eval.Stderr);
        Assert.Contains("nats", eval.Stdout);
    }

    /// <summary>A corpus of a few distinct characters, long enough for small windows.</summary>
    private string Corpus()
    {
        string path = _folder.File("corpus.txt");
        if (!File.Exists(path))
        {
            var text = new StringBuilder();
            for (int i = 0; i < 400; i++) text.Append("abcab ca").Append(i % 7 == 0 ? '\n' : ' ');
            File.WriteAllText(path, text.ToString(), new UTF8Encoding(false));
        }
        return path;
    }

    /// <summary>Trains a very small model for two steps and returns its best checkpoint.</summary>
    private string TrainTinyModel()
    {
        string run = _folder.File("tiny");
        var result = Cli("charlm", "train", "--corpus", Corpus(), "--steps", "2", "--hidden", "8", "--embed", "4", "--layers", "1",
            "--batch", "2", "--window", "8", "--sample-length", "0", "--out", run);
        Assert.True(result.ExitCode == 0, $"training failed: {result.Stderr}");
        string best = Path.Combine(run, "best.safetensors");
        Assert.True(File.Exists(best), "training wrote no best checkpoint");
        return best;
    }

    /// <summary>A folder that looks like an earlier run: a checkpoint and metrics whose bytes must not change.</summary>
    private string EarlierRun()
    {
        string run = _folder.File("earlier");
        Directory.CreateDirectory(run);
        File.WriteAllText(Path.Combine(run, "last.safetensors"), "earlier last checkpoint");
        File.WriteAllText(Path.Combine(run, "best.safetensors"), "earlier best checkpoint");
        File.WriteAllText(Path.Combine(run, "metrics.jsonl"), "{\"step\":1}\n");
        return run;
    }

    private static void AssertEarlierRunIntact(string run)
    {
        Assert.Equal("earlier last checkpoint", File.ReadAllText(Path.Combine(run, "last.safetensors")));
        Assert.Equal("earlier best checkpoint", File.ReadAllText(Path.Combine(run, "best.safetensors")));
        Assert.Equal("{\"step\":1}\n", File.ReadAllText(Path.Combine(run, "metrics.jsonl")));
        Assert.Equal(3, Directory.GetFiles(run).Length);
    }

    private static void AssertOneLineError(CliResult result, string expected) => CliProcess.AssertOneLineError(result, expected);

    private CliResult Cli(params string[] args) => CliProcess.Run(_folder.Path, args);
}
