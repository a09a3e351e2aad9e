namespace Recurrent.Tests.Cli.Tasks;

/// <summary>
/// Each defect a user's data file can have, fed to <c>recurrent train</c> or <c>evaluate</c> as a process: one line on
/// stderr naming the file, the line and the column, a non-zero exit, no stack trace, and no run folder left behind
/// with a model. The <c>--missing</c> policies are checked on the same defects.
/// </summary>
public sealed class BadRowTests(TaskDataFiles files) : IClassFixture<TaskDataFiles>
{
    public static TheoryData<string, string, string, string> Defects() => new()
    {
        // name, file content, extra options, expected message
        { "ragged.csv", "seq,v,label\ns1,1,a\ns1,2\ns2,3,b\n", "--features v --sequence seq --label label", "ragged.csv:3: 2 fields; the header has 3" },
        { "extra.csv", "seq,v,label\ns1,1,a,9\n", "--features v --sequence seq --label label", "extra.csv:2: 4 fields; the header has 3" },
        { "missing.csv", "seq,v,label\ns1,1,a\ns1,,a\n", "--features v --sequence seq --label label", "missing.csv:3: column 'v': missing value" },
        { "text.csv", "seq,v,label\ns1,1,a\ns1,abc,a\n", "--features v --sequence seq --label label", "text.csv:3: column 'v': 'abc' is not a number" },
        { "empty-seq.tsv", "word\tlang\nabc\tx\n\ty\n", "", "empty-seq.tsv:3: column 'word': empty sequence" },
        { "two-labels.csv", "seq,v,label\ns1,1,a\ns1,2,b\n", "--features v --sequence seq --label label", "two-labels.csv:3: column 'label': 'b' differs from 'a'" },
        { "no-column.csv", "seq,v,label\ns1,1,a\n", "--features w --sequence seq --label label", "no column 'w'" },
        { "quote.csv", "seq,v,label\ns1,1,\"a\ns1,2,a\n", "--features v --sequence seq --label label", "quote.csv:2:" },
        { "bad.jsonl", "{\"input\":\"ab\",\"label\":\"x\"}\n{\"input\": oops}\n", "", "bad.jsonl:2: not a JSON object" },
    };

    [Theory]
    [MemberData(nameof(Defects))]
    public void TrainNamesTheFileLineAndColumn(string name, string content, string options, string expected)
    {
        files.Write(name, content);
        string output = "bad-" + name;
        string[] args = ["train", "classify", "--data", name, "--out", output, "--epochs", "1", .. options.Split(' ', StringSplitOptions.RemoveEmptyEntries)];
        var result = CliProcess.Run(files.Folder, args);
        CliProcess.AssertOneLineError(result, expected);
        Assert.False(File.Exists(files.PathOf(Path.Combine(output, "model.safetensors"))));
    }

    [Fact]
    public void ALabelUnseenInTrainingIsNamedAtEvaluation()
    {
        files.Write("train-labels.tsv", "word\tlang\nabc\tx\nabd\ty\nabe\tx\nabf\ty\n");
        files.Write("eval-labels.tsv", "word\tlang\nabc\tx\nabz\tz\n");
        var trained = CliProcess.Run(files.Folder, "train", "classify", "--data", "train-labels.tsv", "--valid", "train-labels.tsv", "--out", "unseen", "--epochs", "1", "--hidden", "4", "--embed", "2");
        Assert.True(trained.ExitCode == 0, trained.Stderr);
        var result = CliProcess.Run(files.Folder, "evaluate", "--model", Path.Combine("unseen", "model.safetensors"), "--data", "eval-labels.tsv");
        CliProcess.AssertOneLineError(result, "eval-labels.tsv:3: column 'lang': 'z' was not seen in training; the model knows x, y");
    }

    [Fact]
    public void MissingValuesCanBeDroppedOrInterpolatedInstead()
    {
        var rows = new System.Text.StringBuilder("seq,v,label\n");
        for (int i = 0; i < 40; i++) rows.Append($"s{i},{(i % 2 == 0 ? 1 : -1)},{(i % 2 == 0 ? "p" : "n")}\ns{i},{(i == 7 ? "" : "0.5")},{(i % 2 == 0 ? "p" : "n")}\ns{i},{(i % 2 == 0 ? 1 : -1)},{(i % 2 == 0 ? "p" : "n")}\n");
        files.Write("gaps.csv", rows.ToString());
        string[] common = ["train", "classify", "--data", "gaps.csv", "--features", "v", "--sequence", "seq", "--label", "label", "--epochs", "1", "--hidden", "4"];
        CliProcess.AssertOneLineError(CliProcess.Run(files.Folder, [.. common, "--out", "gaps-error"]), "gaps.csv:24: column 'v': missing value");
        foreach (string policy in new[] { "drop", "interpolate" })
        {
            var result = CliProcess.Run(files.Folder, [.. common, "--out", "gaps-" + policy, "--missing", policy]);
            Assert.True(result.ExitCode == 0, result.Stderr);
            Assert.True(File.Exists(files.PathOf(Path.Combine("gaps-" + policy, "model.safetensors"))));
        }
    }

    [Fact]
    public void AModelFileWithoutASchemaIsRefusedInOneLine()
    {
        // A model saved by the library, not by 'recurrent train': it has weights and a description, but no data schema.
        var model = new Recurrent.Models.Sequential<float>(new Recurrent.Models.SequentialConfig(3, 2, [new Recurrent.Layers.RecurrentSpec { HiddenSize = 4 }]), new Recurrent.Tensors.Rng(1));
        Recurrent.Serialization.ModuleFiles.Save(model, files.PathOf("library-model.safetensors"));
        var result = CliProcess.Run(files.Folder, "evaluate", "--model", "library-model.safetensors", "--data", "words.tsv");
        CliProcess.AssertOneLineError(result, "library-model.safetensors: the model has no data schema");
    }
}
