using System.Buffers.Binary;
using System.Text;
using System.Text.Json.Nodes;
using Recurrent.Tests.Serialization;

namespace Recurrent.Tests.Cli;

/// <summary>
/// The bad-input corpus (issue 14): every command of <c>recurrent</c>, run as a process, on input it must refuse. Each
/// case must exit non-zero with exactly one line on stderr that names the problem (the option, the file, the offset),
/// print no stack trace, and leave every file that existed before (an earlier run in <c>--out</c>, the inputs) byte for
/// byte as it was.
/// </summary>
public sealed class BadInputCorpusTests(BadInputFixture fixture) : IClassFixture<BadInputFixture>
{
    /// <summary>One bad input: what to prepare in a fresh folder, the command line, and what its error line must contain.</summary>
    /// <param name="Name">"command: problem".</param>
    /// <param name="Prepare">Writes the case's files into the folder and returns the arguments.</param>
    /// <param name="Expected">A fragment of the one-line message.</param>
    /// <param name="File">The name of the file the message must also name, if any.</param>
    public sealed record Case(string Name, Func<CaseFolder, string[]> Prepare, string Expected, string? File = null);

    /// <summary>A fresh folder for one case (the working directory of its process), with the fixture's files at hand.</summary>
    public sealed class CaseFolder(string path, BadInputFixture fixture)
    {
        public string Path { get; } = path;

        public BadInputFixture Fixture { get; } = fixture;

        public string Corpus => Fixture.Corpus;

        public string Write(string name, byte[] bytes)
        {
            string file = System.IO.Path.Combine(Path, name);
            File.WriteAllBytes(file, bytes);
            return file;
        }

        public string Write(string name, string text) => Write(name, Encoding.UTF8.GetBytes(text));

        /// <summary>A copy of the fixture's earlier run in <c>earlier/</c>, its last checkpoint replaced by <paramref name="last"/> if given.</summary>
        public string EarlierRun(byte[]? last = null, string? runJson = null)
        {
            string run = System.IO.Path.Combine(Path, "earlier");
            if (Directory.Exists(run) && last is null && runJson is null) return run;
            Directory.CreateDirectory(run);
            foreach (string file in Directory.GetFiles(Fixture.Run)) File.Copy(file, System.IO.Path.Combine(run, System.IO.Path.GetFileName(file)), overwrite: true);
            if (last is not null) File.WriteAllBytes(System.IO.Path.Combine(run, "last.safetensors"), last);
            if (runJson is not null) File.WriteAllText(System.IO.Path.Combine(run, "run.json"), runJson);
            return run;
        }

        /// <summary>An earlier run's output without its checkpoints, in <c>output/</c>: metrics, plots and run.json that train would overwrite.</summary>
        public string EarlierOutput()
        {
            string run = System.IO.Path.Combine(Path, "output");
            Directory.CreateDirectory(run);
            foreach (string file in Directory.GetFiles(Fixture.Run).Where(f => !f.EndsWith(".safetensors", StringComparison.Ordinal)))
            {
                File.Copy(file, System.IO.Path.Combine(run, System.IO.Path.GetFileName(file)), overwrite: true);
            }
            return run;
        }

        /// <summary>A folder that looks like an experiment's earlier output.</summary>
        public string EarlierExperiment()
        {
            string run = System.IO.Path.Combine(Path, "experiment");
            Directory.CreateDirectory(run);
            File.WriteAllText(System.IO.Path.Combine(run, "results.md"), "## experiment long-term\n");
            File.WriteAllText(System.IO.Path.Combine(run, "summary.json"), "{\"experiment\":\"long-term\"}\n");
            return run;
        }
    }

    internal static readonly IReadOnlyDictionary<string, Case> Table = Build().ToDictionary(c => c.Name);

    /// <summary>The cases but the model files' (<see cref="BadModelFileTests"/> runs those, in parallel with these).</summary>
    public static TheoryData<string> Cases() => new(Table.Keys.Where(k => !IsModelFileCase(k)));

    internal static bool IsModelFileCase(string name) => name.Contains(": model file ", StringComparison.Ordinal);

    [Theory]
    [MemberData(nameof(Cases))]
    public void IsRefusedInOneLineAndChangesNoFile(string name) => Check(Table[name], fixture);

    /// <summary>Runs <paramref name="c"/> in a fresh folder and checks the error line, the exit code and every file that was there.</summary>
    internal static void Check(Case c, BadInputFixture fixture)
    {
        using var folder = new TemporaryFolder();
        string[] args = c.Prepare(new CaseFolder(folder.Path, fixture));
        var before = Directory.GetFiles(folder.Path, "*", SearchOption.AllDirectories).ToDictionary(f => f, File.ReadAllBytes);

        var result = CliProcess.Run(folder.Path, args);

        CliProcess.AssertOneLineError(result, c.Expected);
        if (c.File is not null) Assert.Contains(c.File, result.Stderr);
        foreach (var (path, bytes) in before)
        {
            Assert.True(File.Exists(path), $"{path} was deleted");
            Assert.True(bytes.AsSpan().SequenceEqual(File.ReadAllBytes(path)), $"{path} changed");
        }
    }

    [Fact]
    public void TheCorpusCoversEveryCommand()
    {
        Assert.True(Table.Count >= 60, $"{Table.Count} cases");
        string[] commands = ["recurrent", "charlm train", "charlm train --resume", "charlm sample", "charlm eval", "train lm", "train lm --resume", "experiment", "bench gemm", "bench rnn", "bench charlm"];
        foreach (string command in commands) Assert.Contains(Table.Keys, k => k.StartsWith(command + ":", StringComparison.Ordinal));
    }

    private static IEnumerable<Case> Build()
    {
        // A train command line that would succeed, into a folder holding an earlier run's metrics, plots and run.json
        // (its checkpoints removed, else train refuses the folder): each case adds or replaces one option.
        string[] Train(CaseFolder f, params string[] extra) => Merge(["charlm", "train"],
            ["--corpus", f.Corpus, "--steps", "1", "--hidden", "8", "--embed", "4", "--layers", "1", "--batch", "2", "--window", "8",
             "--sample-length", "0", "--out", f.EarlierOutput()], extra);
        string[] TrainOn(string corpus, CaseFolder f) => Train(f, "--corpus", corpus);
        string[] Resume(CaseFolder f, string run, params string[] extra) => ["charlm", "train", "--resume", "--out", run, "--steps", "1", "--sample-length", "0", .. extra];
        string[] Sample(string checkpoint, params string[] extra) => Merge(["charlm", "sample"], ["--checkpoint", checkpoint, "--length", "5"], extra);
        string[] Eval(CaseFolder f, string checkpoint, params string[] extra) => ["charlm", "eval", "--checkpoint", checkpoint, "--file", f.Corpus, .. extra];
        string[] TrainLm(CaseFolder f, params string[] extra) => Merge(["train", "lm"],
            ["--data", f.Corpus, "--steps", "1", "--hidden", "8", "--embed", "4", "--layers", "1", "--batch", "2", "--window", "8",
             "--sample-length", "0", "--out", f.EarlierOutput()], extra);
        string[] Experiment(CaseFolder f, params string[] extra) => Merge(["experiment", "long-term"], ["--steps", "1", "--quiet", "", "--out", f.EarlierExperiment()], extra);
        byte[] Utf8(string text) => Encoding.UTF8.GetBytes(text);

        // The root and its groups.
        yield return new("recurrent: unknown command", _ => ["frobnicate"], "'frobnicate'");
        yield return new("recurrent: --version with an unknown option", _ => ["--version", "--bogus"], "'--bogus'");
        yield return new("recurrent: charlm without a subcommand", _ => ["charlm"], "Required command");
        yield return new("recurrent: unknown experiment", _ => ["experiment", "chess"], "'chess'");

        // charlm train: options.
        yield return new("charlm train: unknown option", f => Train(f, "--bogus", "1"), "'--bogus'");
        yield return new("charlm train: misspelt option", f => Train(f, "--hiden", "16"), "'--hiden'");
        yield return new("charlm train: --hidden not a number", f => Train(f, "--hidden", "abc"), "--hidden");
        yield return new("charlm train: unknown --cell", f => Train(f, "--cell", "transformer"), "'transformer'");
        yield return new("charlm train: --hidden 0", f => Train(f, "--hidden", "0"), "--hidden must be an integer from 1 to 65,536; got 0");
        yield return new("charlm train: --hidden 100000000", f => Train(f, "--hidden", "100000000"), "--hidden must be an integer from 1 to 65,536");
        yield return new("charlm train: --layers 100000", f => Train(f, "--layers", "100000"), "--layers must be an integer from 1 to 64");
        yield return new("charlm train: --embed -3", f => Train(f, "--embed", "-3"), "--embed");
        yield return new("charlm train: --batch 100000000", f => Train(f, "--batch", "100000000"), "--batch must be an integer from 1 to 1,000,000");
        yield return new("charlm train: --window 2000000", f => Train(f, "--window", "2000000"), "--window");
        yield return new("charlm train: a model larger than memory", f => Train(f, "--hidden", "65536", "--layers", "64"), "--hidden 65536, --layers 64");
        yield return new("charlm train: --lr NaN", f => Train(f, "--lr", "NaN"), "--lr must be a number in (0, 1]; got NaN");
        yield return new("charlm train: --lr Infinity", f => Train(f, "--lr", "Infinity"), "--lr");
        yield return new("charlm train: --lr 1e30", f => Train(f, "--lr", "1e30"), "--lr");
        yield return new("charlm train: --lr negative", f => Train(f, "--lr", "-0.01"), "--lr");
        yield return new("charlm train: --dropout NaN", f => Train(f, "--dropout", "NaN"), "--dropout");
        yield return new("charlm train: --clip NaN", f => Train(f, "--clip", "NaN"), "--clip");
        yield return new("charlm train: --weight-decay Infinity", f => Train(f, "--weight-decay", "Infinity"), "--weight-decay");
        yield return new("charlm train: --minutes 0", f => Train(f, "--minutes", "0"), "--minutes");
        yield return new("charlm train: --minutes 1e300", f => Train(f, "--minutes", "1e300"), "--minutes");
        yield return new("charlm train: --steps -5", f => Train(f, "--steps", "-5"), "--steps");
        yield return new("charlm train: --eval-every 1e300", f => Train(f, "--eval-every", "1e300"), "--eval-every");
        yield return new("charlm train: --val-fraction 1", f => Train(f, "--val-fraction", "1"), "--val-fraction");
        yield return new("charlm train: --threads 0", f => Train(f, "--threads", "0"), "--threads");
        yield return new("charlm train: --threads 100000", f => Train(f, "--threads", "100000"), "--threads");
        yield return new("charlm train: --sample-length -1", f => Train(f, "--sample-length", "-1"), "--sample-length");

        // charlm train: paths.
        yield return new("charlm train: missing corpus", f => TrainOn(Path.Combine(f.Path, "missing.txt"), f), "missing.txt' does not exist");
        yield return new("charlm train: corpus is a directory", f => TrainOn(f.Path, f), "is a directory");
        // As root a file cannot be made unreadable with chmod; /proc/self/mem fails every read with EIO instead.
        yield return new("charlm train: unreadable corpus", f => TrainOn("/proc/self/mem", f), "--corpus: cannot read '/proc/self/mem'");
        yield return new("charlm train: corpus path through a file", f => TrainOn(Path.Combine(f.Corpus, "x.txt"), f), "corpus.txt/x.txt");
        yield return new("charlm train: --out is a file", f => Train(f, "--out", f.Write("file", "not a folder")), "--out: '");
        // A read-only --out: as root neither chmod nor a read-only bind mount is at hand; /proc refuses new files to root too.
        yield return new("charlm train: read-only --out", f => Train(f, "--out", "/proc/self"), "--out: cannot write to '/proc/self'");
        yield return new("charlm train: --out under a file", f => Train(f, "--out", Path.Combine(f.Corpus, "run")), "--out: cannot write");
        yield return new("charlm train: --metrics is a directory", f => Train(f, "--metrics", f.Path), "--metrics");
        yield return new("charlm train: --out holds a run", f => Train(f, "--out", f.EarlierRun()), "already holds a run");

        // charlm train: text.
        yield return new("charlm train: invalid UTF-8 byte", f => TrainOn(f.Write("latin1.txt", [.. Utf8(new string('a', 500) + "bc\n"), 0xE9, .. Utf8("t\n")]), f), "invalid byte 0xE9 at offset 503");
        yield return new("charlm train: UTF-8 cut in a sequence", f => TrainOn(f.Write("cut.txt", [.. Utf8("abc abc\n"), 0xE2, 0x82]), f), "at offset 8");
        yield return new("charlm train: UTF-16 text", f => TrainOn(f.Write("utf16.txt", [0xFF, 0xFE, .. Encoding.Unicode.GetBytes("abc abc")]), f), "UTF-16 byte-order mark");
        yield return new("charlm train: only a BOM", f => TrainOn(f.Write("bom.txt", [0xEF, 0xBB, 0xBF]), f), "bom.txt' is empty");
        yield return new("charlm train: only whitespace", f => TrainOn(f.Write("blank.txt", string.Concat(Enumerable.Repeat(" \t\n", 2000))), f), "only whitespace");
        yield return new("charlm train: a NUL byte", f => TrainOn(f.Write("nul.txt", "abc\0abc"), f), "NUL byte at offset 3");
        yield return new("charlm train: a 10 MB line ending in a bad byte", f => TrainOn(f.Write("long.txt", [.. Utf8(new string('a', 5 << 20) + new string('b', 5 << 20)), 0xFF]), f), "at offset 10485760");
        yield return new("charlm train: empty corpus", f => TrainOn(f.Write("empty.txt", ""), f), "empty.txt' is empty");
        yield return new("charlm train: one character", f => TrainOn(f.Write("one.txt", new string('a', 5000)), f), "single distinct character");

        // charlm train --resume: the run's own files.
        yield return new("charlm train --resume: no run to resume", f => Resume(f, Path.Combine(f.Path, "nothing")), "does not exist");
        yield return new("charlm train --resume: --hidden conflicts", f => Resume(f, f.EarlierRun(), "--hidden", "16"), "--hidden conflicts with --resume");
        yield return new("charlm train --resume: --lr conflicts", f => Resume(f, f.EarlierRun(), "--lr", "0.1"), "--lr conflicts with --resume");
        yield return new("charlm train --resume: run.json not JSON", f => Resume(f, f.EarlierRun(runJson: "{\"Batch\": ")), "run.json: the run's settings are not valid JSON");
        yield return new("charlm train --resume: run.json Batch 0", f => Resume(f, f.EarlierRun(runJson: "{\"Batch\": 0}")), "run.json: Batch");
        yield return new("charlm train --resume: run.json LearningRate 1e300", f => Resume(f, f.EarlierRun(runJson: "{\"LearningRate\": 1e300}")), "run.json: LearningRate");
        yield return new("charlm train --resume: --corpus outside the vocabulary", f => Resume(f, f.EarlierRun(), "--corpus", f.Write("xyz.txt", "xyz xyz xyz\n")), "does not fit the given vocabulary");

        // train lm: its texts (its model and training options are charlm train's, checked above).
        yield return new("train lm: no --data", f => ["train", "lm", "--steps", "1", "--out", f.EarlierOutput()], "--data is required");
        yield return new("train lm: missing --data", f => TrainLm(f, "--data", Path.Combine(f.Path, "missing.txt")), "missing.txt' does not exist");
        yield return new("train lm: missing --valid", f => TrainLm(f, "--valid", Path.Combine(f.Path, "missing.txt")), "missing.txt' does not exist");
        yield return new("train lm: --valid outside the vocabulary", f => TrainLm(f, "--valid", f.Write("valid.txt", "abc ab\nca cz\n")), "'z' (U+007A) at position 11 (line 2, column 5)", "valid.txt");
        yield return new("train lm: --valid with --valid-fraction", f => TrainLm(f, "--valid", f.Corpus, "--valid-fraction", "0.2"), "--valid-fraction conflicts with --valid");
        yield return new("train lm: --valid-fraction 0", f => TrainLm(f, "--valid-fraction", "0"), "--valid-fraction must be in (0, 1)");
        yield return new("train lm --resume: --valid conflicts", f => ["train", "lm", "--resume", "--out", f.EarlierRun(), "--steps", "1", "--valid", f.Corpus], "--valid conflicts with --resume");

        // charlm sample.
        yield return new("charlm sample: unknown option", f => Sample(f.Write("m.safetensors", f.Fixture.Model), "--bogus"), "'--bogus'");
        yield return new("charlm sample: --length 0", f => Sample(f.Write("m.safetensors", f.Fixture.Model), "--length", "0"), "--length");
        yield return new("charlm sample: --length 1000000000", f => Sample(f.Write("m.safetensors", f.Fixture.Model), "--length", "1000000000"), "--length must be an integer from 1 to 100,000,000");
        yield return new("charlm sample: --temperature NaN", f => Sample(f.Write("m.safetensors", f.Fixture.Model), "--temperature", "NaN"), "--temperature");
        yield return new("charlm sample: --temperature Infinity", f => Sample(f.Write("m.safetensors", f.Fixture.Model), "--temperature", "Infinity"), "--temperature");
        yield return new("charlm sample: --top-k -1", f => Sample(f.Write("m.safetensors", f.Fixture.Model), "--top-k", "-1"), "--top-k");
        yield return new("charlm sample: --prime outside the vocabulary", f => Sample(f.Write("m.safetensors", f.Fixture.Model), "--prime", "abz"), "'z'");
        yield return new("charlm sample: missing checkpoint", f => Sample(Path.Combine(f.Path, "none.safetensors")), "none.safetensors does not exist");
        yield return new("charlm sample: checkpoint is a directory", f => Sample(f.Path), "--checkpoint: '" );
        yield return new("charlm sample: unreadable checkpoint", _ => Sample("/proc/self/mem"), "--checkpoint: cannot read '/proc/self/mem'");
        yield return new("charlm sample: not a checkpoint", f => Sample(f.Write("notes.txt", "this is not a checkpoint at all, just text")), "notes.txt: the header length");

        // charlm eval.
        yield return new("charlm eval: no --file", f => ["charlm", "eval", "--checkpoint", f.Write("m.safetensors", f.Fixture.Model)], "--file");
        yield return new("charlm eval: missing --file", f => ["charlm", "eval", "--checkpoint", f.Write("m.safetensors", f.Fixture.Model), "--file", "gone.txt"], "gone.txt' does not exist");
        yield return new("charlm eval: --file is a directory", f => ["charlm", "eval", "--checkpoint", f.Write("m.safetensors", f.Fixture.Model), "--file", f.Path], "is a directory");
        yield return new("charlm eval: --file not UTF-8", f => ["charlm", "eval", "--checkpoint", f.Write("m.safetensors", f.Fixture.Model), "--file", f.Write("bad.txt", [.. Utf8("abc ab"), 0xC3, 0x28])], "invalid byte 0xC3 at offset 6");
        yield return new("charlm eval: a 10 MB line ending outside the vocabulary", f => ["charlm", "eval", "--checkpoint", f.Write("m.safetensors", f.Fixture.Model), "--file", f.Write("long.txt", new string('a', 10 << 20) + "z")], "at position 10485760");
        yield return new("charlm eval: --window 2000000", f => Eval(f, f.Write("m.safetensors", f.Fixture.Model), "--window", "2000000"), "--window");
        yield return new("charlm eval: --batch 0", f => Eval(f, f.Write("m.safetensors", f.Fixture.Model), "--batch", "0"), "--batch");
        yield return new("charlm eval: batch × window larger than memory", f => Eval(f, f.Write("m.safetensors", f.Fixture.Model), "--batch", "1000000", "--window", "1000000"), "--batch 1000000 × --window 1000000");

        // experiment.
        yield return new("experiment: --steps 0", f => Experiment(f, "--steps", "0"), "--steps");
        yield return new("experiment: --minutes NaN", f => Experiment(f, "--minutes", "NaN"), "--minutes");
        yield return new("experiment: --minutes 1e300", f => Experiment(f, "--minutes", "1e300"), "--minutes");
        yield return new("experiment: --threads -1", f => Experiment(f, "--threads", "-1"), "--threads");
        yield return new("experiment: --seed negative", f => Experiment(f, "--seed", "-1"), "--seed");
        yield return new("experiment: unknown option", f => Experiment(f, "--epochs", "3"), "'--epochs'");
        yield return new("experiment: --out is a file", f => Experiment(f, "--out", f.Write("file", "x")), "--out: '");
        yield return new("experiment: read-only --out", f => Experiment(f, "--out", "/proc/self"), "--out: cannot write to '/proc/self'");

        // bench.
        yield return new("bench gemm: --m without --n and --k", _ => ["bench", "gemm", "--m", "5"], "--m, --n and --k go together");
        yield return new("bench gemm: --m 0", _ => ["bench", "gemm", "--m", "0", "--n", "4", "--k", "4"], "--m");
        yield return new("bench gemm: --k 100000000", _ => ["bench", "gemm", "--m", "4", "--n", "4", "--k", "100000000"], "--k must be an integer from 1 to 1,048,576");
        yield return new("bench gemm: C larger than an array", _ => ["bench", "gemm", "--m", "1048576", "--n", "1048576", "--k", "1"], "C (--m × --n)");
        yield return new("bench rnn: unknown --cell", _ => ["bench", "rnn", "--cell", "lstn", "--batch", "1", "--steps", "1", "--input", "1", "--hidden", "1", "--mode", "train"], "'lstn'");
        yield return new("bench rnn: no --mode", _ => ["bench", "rnn", "--cell", "lstm", "--batch", "1", "--steps", "1", "--input", "1", "--hidden", "1"], "--mode");
        yield return new("bench rnn: --hidden 100000000", _ => ["bench", "rnn", "--cell", "lstm", "--batch", "1", "--steps", "1", "--input", "1", "--hidden", "100000000", "--mode", "train"], "--hidden must be an integer from 1 to 65,536");
        yield return new("bench rnn: larger than memory", _ => ["bench", "rnn", "--cell", "gru", "--batch", "1000000", "--steps", "1000", "--input", "1024", "--hidden", "1024", "--mode", "infer"], "--batch 1000000 × --steps 1000");
        yield return new("bench charlm: --hidden 100000000", _ => ["bench", "charlm", "--hidden", "100000000"], "--hidden must be an integer from 1 to 65,536");
        yield return new("bench charlm: --batch 0", _ => ["bench", "charlm", "--batch", "0"], "--batch");
        yield return new("bench charlm: --lr NaN", _ => ["bench", "charlm", "--lr", "NaN"], "--lr");
        yield return new("bench charlm: missing --corpus", _ => ["bench", "charlm", "--corpus", "nope.txt"], "nope.txt' does not exist");

        // Model files: each fed to sample; one of each kind of damage also to eval, and to train --resume as the run's
        // last checkpoint (all three read it through the same loader).
        string[] alsoEvalAndResume =
        [
            "cut inside a tensor", "header length beyond the file", "overlapping data_offsets", "integer dtype", "shape transposed",
            "a NaN weight", "model_config without EmbeddingSize", "another model kind", "a newer format version",
        ];
        foreach (var (problem, make, expected) in ModelFiles())
        {
            yield return new($"charlm sample: model file {problem}", f => Sample(f.Write("model.safetensors", make(f.Fixture))), expected, "model.safetensors");
            if (!alsoEvalAndResume.Contains(problem)) continue;
            yield return new($"charlm eval: model file {problem}", f => Eval(f, f.Write("model.safetensors", make(f.Fixture))), expected, "model.safetensors");
            yield return new($"charlm train --resume: model file {problem}", f => Resume(f, f.EarlierRun(last: make(f.Fixture))), expected, "last.safetensors");
        }
    }

    /// <summary>Damaged or foreign model files: a problem, how to make it from the fixture's model, and what the message says.</summary>
    private static IEnumerable<(string Problem, Func<BadInputFixture, byte[]> Make, string Expected)> ModelFiles()
    {
        yield return ("empty", _ => [], "truncated: the file has 0 bytes");
        yield return ("cut inside the header length", x => x.Model[..4], "truncated: the file has 4 bytes");
        yield return ("cut after the header length", x => x.Model[..8], "truncated: the header needs");
        yield return ("cut inside the JSON header", x => x.Model[..(8 + x.HeaderLength / 2)], "truncated: the header needs");
        yield return ("cut at the start of the data", x => x.Model[..(8 + x.HeaderLength)], "truncated: tensor");
        yield return ("cut inside a tensor", x => x.Model[..(8 + x.HeaderLength + 30)], "truncated: tensor");
        yield return ("one byte short", x => x.Model[..^1], "truncated: tensor");
        yield return ("header length beyond the file", x => WithLength(x.Model, (ulong)x.Model.Length), "truncated: the header needs");
        yield return ("header length of 2^63", x => WithLength(x.Model, 1UL << 63), "beyond the format's limit");
        yield return ("header not JSON", x => BadInputFixture.Assemble("{\"a\": [1, 2"u8, x.Model.AsSpan(8 + x.HeaderLength)), "the header is not valid JSON");
        yield return ("header a JSON array", x => BadInputFixture.Assemble("[1, 2, 3]"u8, []), "does not start with '{'");
        yield return ("overlapping data_offsets", x => x.WithHeader(h => h["decoder.weight"]!["data_offsets"] = new JsonArray(0, 160)), "overlap");
        yield return ("data_offsets out of range", x => x.WithHeader(h => h["embedding.weight"]!["data_offsets"] = new JsonArray(1_000_000_000, 1_000_000_080)), "ends at data byte 1000000080");
        yield return ("data_offsets reversed", x => x.WithHeader(h => h["decoder.bias"]!["data_offsets"] = new JsonArray(20, 0)), "begin ≤ end");
        yield return ("trailing bytes", x => [.. x.Model, 1, 2, 3, 4], "4 bytes after the last tensor");
        yield return ("integer dtype", x => x.WithHeader(h => h["decoder.bias"]!["dtype"] = "I32"), "tensor 'decoder.bias' is I32");
        yield return ("unknown dtype", x => x.WithHeader(h => h["decoder.bias"]!["dtype"] = "F12"), "unknown dtype 'F12'");
        yield return ("dtype of another size", x => x.WithHeader(h => h["decoder.bias"]!["dtype"] = "F64"), "tensor 'decoder.bias' is F64");
        yield return ("shape transposed", x => x.WithHeader(h => h["decoder.weight"]!["shape"] = new JsonArray(8, 5)), "decoder.weight (8, 5); this model expects (5, 8)");
        yield return ("shape against the config", x => x.WithConfig(c => c["Rnn"]!["HiddenSize"] = 16), "this model expects");
        yield return ("a NaN weight", x => x.WithValue("rnn.weight_hh_l0", 3, float.NaN), "tensor 'rnn.weight_hh_l0' holds NaN at element 3");
        yield return ("an infinite weight", x => x.WithValue("decoder.bias", 0, float.NegativeInfinity), "tensor 'decoder.bias' holds -Infinity at element 0");
        yield return ("model_config without EmbeddingSize", x => x.WithConfig(c => c.Remove("EmbeddingSize")), "embedding size must be positive");
        yield return ("model_config without Rnn", x => x.WithConfig(c => c.Remove("Rnn")), "Rnn");
        yield return ("model_config not JSON", x => x.WithMetadata("model_config", "{\"VocabularySize\": 5,"), "model_config is not a valid char-lm configuration");
        yield return ("no model_config", x => x.WithMetadata("model_config", null), "has no model_config");
        yield return ("no model kind", x => x.WithMetadata("model", null), "no model description");
        yield return ("no vocabulary", x => x.WithMetadata("model.vocabulary", null), "vocabulary");
        yield return ("another model kind", x => x.Classifier, "holds a 'sequence-classifier' model");
        yield return ("an unknown model kind", x => x.WithMetadata("model", "transformer"), "model kind 'transformer'");
        yield return ("a newer format version", x => x.WithMetadata("format_version", "3"), "format version 3 is newer");
        yield return ("another format", x => x.WithMetadata("format", "gguf"), "metadata 'format' is 'gguf'");
    }

    /// <summary>
    /// <paramref name="words"/>, then the option/value pairs of <paramref name="pairs"/> whose option <paramref name="extra"/>
    /// does not give (an empty value stands for a flag), then <paramref name="extra"/>.
    /// </summary>
    private static string[] Merge(string[] words, string[] pairs, string[] extra)
    {
        var args = new List<string>(words);
        for (int i = 0; i < pairs.Length; i += 2)
        {
            if (extra.Contains(pairs[i])) continue;
            args.Add(pairs[i]);
            if (pairs[i + 1].Length > 0) args.Add(pairs[i + 1]);
        }
        args.AddRange(extra);
        return [.. args];
    }

    private static byte[] WithLength(byte[] model, ulong length)
    {
        byte[] bytes = (byte[])model.Clone();
        BinaryPrimitives.WriteUInt64LittleEndian(bytes, length);
        return bytes;
    }
}
