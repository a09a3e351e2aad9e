using System.Text.Json;
using System.Text.Json.Nodes;

namespace Recurrent.View.Files;

/// <summary>
/// The training runs under a folder: every folder (the root included, up to <see cref="MaxDepth"/> levels down) holding
/// a <c>metrics.jsonl</c>, as <c>recurrent train</c> and <c>recurrent charlm train</c> write it (one JSON object per
/// validation: <c>wall_s</c>, <c>step</c>, <c>epoch</c>, <c>examples</c>, <c>train_loss</c>, <c>val_loss</c>, <c>lr</c>), with
/// the options of its <c>run.json</c> and the samples of its <c>samples.jsonl</c>. Files are read on every request, so
/// a run that is still training shows its newest lines.
/// </summary>
internal sealed class RunStore(string root)
{
    public const string MetricsFile = "metrics.jsonl", OptionsFile = "run.json", SamplesFile = "samples.jsonl";

    private const int MaxDepth = 3, MaxRuns = 500;

    public string Root { get; } = Path.GetFullPath(root);

    /// <summary>Every run, by name (its path under the root, '/'-separated; the root's own run is named after its folder).</summary>
    public IReadOnlyList<RunInfo> List()
    {
        if (File.Exists(Root)) throw new ViewException(400, $"the runs folder '{Root}' is a file; expected a folder of runs (--runs DIR).");
        if (!Directory.Exists(Root)) throw new ViewException(404, $"the runs folder '{Root}' does not exist; train with --out under it, or pass --runs DIR.");
        var runs = new List<RunInfo>();
        foreach (string dir in Folders(Root, 0))
        {
            if (runs.Count == MaxRuns) break;
            if (File.Exists(Path.Combine(dir, MetricsFile))) runs.Add(Describe(dir));
        }
        return runs;
    }

    /// <summary>The metrics records of run <paramref name="name"/> from index <paramref name="after"/> on.</summary>
    public RunMetrics Metrics(string name, int after)
    {
        if (after < 0) throw new ViewException(400, $"after must be a non-negative record index; got {after}.");
        string dir = Find(name);
        var (records, skipped) = ReadLines(Path.Combine(dir, MetricsFile), name);
        return new RunMetrics(name, records.Skip(after).ToList(), records.Count, skipped);
    }

    /// <summary>The samples written at each validation of run <paramref name="name"/> (none when it wrote no <c>samples.jsonl</c>).</summary>
    public RunSamples Samples(string name)
    {
        string path = Path.Combine(Find(name), SamplesFile);
        if (!File.Exists(path)) return new RunSamples(name, [], 0);
        var (records, skipped) = ReadLines(path, name);
        return new RunSamples(name, records, skipped);
    }

    /// <summary>
    /// A passage of run <paramref name="name"/>'s held-out text: the corpus its <c>run.json</c> names, from the start of its
    /// last <c>ValidationFraction</c> (the validation text <c>charlm train</c> holds out), from the first blank line or
    /// line start there on, at most <paramref name="length"/> characters.
    /// </summary>
    public string Excerpt(string name, int length)
    {
        string dir = Find(name);
        var run = List().First(r => r.Directory == dir);
        string? corpus = run.Options?["Corpus"]?.GetValue<string>();
        if (corpus is null) throw new ViewException(404, $"run '{name}' names no corpus in its {OptionsFile} (a run of the built-in corpus, or not a charlm train run).");
        double fraction = run.Options?["ValidationFraction"]?.GetValue<double>() ?? 0.1;
        if (!Path.IsPathRooted(corpus)) corpus = Path.Combine(run.Directory, corpus);
        var info = new FileInfo(corpus);
        if (!info.Exists) throw new ViewException(404, $"the corpus of run '{name}', '{corpus}', does not exist (moved since the run?).");
        if (info.Length > MaxCorpusBytes) throw new ViewException(413, $"the corpus of run '{name}' has {info.Length:N0} bytes; the view reads corpora of up to {MaxCorpusBytes:N0}.");
        string text;
        try
        {
            text = File.ReadAllText(corpus);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new ViewException(422, $"the corpus of run '{name}' cannot be read: {e.Message}", e);
        }
        int start = (int)(text.Length * (1 - Math.Clamp(fraction, 0, 1)));
        int paragraph = text.IndexOf("\n\n", start, StringComparison.Ordinal), line = text.IndexOf('\n', start);
        start = paragraph >= 0 && paragraph - start < 2000 ? paragraph + 2 : line >= 0 ? line + 1 : start;
        start = Math.Min(start, text.Length);
        return text.Substring(start, Math.Min(length, text.Length - start));
    }

    private const long MaxCorpusBytes = 256L << 20;

    private string Find(string name)
    {
        var run = List().FirstOrDefault(r => r.Name == name)
            ?? throw new ViewException(404, $"no run named '{name}' under '{Root}' (a run is a folder with a {MetricsFile}).");
        return run.Directory;
    }

    private RunInfo Describe(string dir)
    {
        string metrics = Path.Combine(dir, MetricsFile), options = Path.Combine(dir, OptionsFile);
        string name = Path.GetRelativePath(Root, dir).Replace('\\', '/');
        if (name == ".") name = Path.GetFileName(Root.TrimEnd(Path.DirectorySeparatorChar));
        JsonNode? saved = null;
        string? problem = null;
        if (File.Exists(options))
        {
            try
            {
                saved = JsonNode.Parse(File.ReadAllText(options));
            }
            catch (Exception e) when (e is JsonException or IOException or UnauthorizedAccessException)
            {
                problem = $"{OptionsFile} cannot be read: {e.Message}";
            }
        }
        string kind = saved?["Corpus"] is not null || saved?["ValidationFraction"] is not null ? "char-lm" : "train";
        var models = Directory.EnumerateFiles(dir, "*.safetensors").Select(Path.GetFileName).Order(StringComparer.Ordinal).ToList();
        return new RunInfo(name, kind, File.GetLastWriteTimeUtc(metrics), saved, problem, models!, File.Exists(Path.Combine(dir, SamplesFile)), dir);
    }

    /// <summary>
    /// The JSON objects of a JSON-lines file. A line being written (the last, unfinished) is left for the next read; any
    /// other line that is not a JSON object is skipped and counted. A file that cannot be read at all is a 422.
    /// </summary>
    private static (List<JsonObject> Records, int Skipped) ReadLines(string path, string run)
    {
        string text;
        try
        {
            using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
            using var reader = new StreamReader(stream);
            text = reader.ReadToEnd();
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new ViewException(422, $"{Path.GetFileName(path)} of run '{run}' cannot be read: {e.Message}", e);
        }
        var records = new List<JsonObject>();
        int skipped = 0;
        string[] lines = text.Split('\n');
        for (int i = 0; i < lines.Length; i++)
        {
            string line = lines[i].Trim();
            if (line.Length == 0) continue;
            bool unfinished = i == lines.Length - 1; // no newline yet: the writer may be mid-line
            try
            {
                if (JsonNode.Parse(line) is JsonObject o) records.Add(o);
                else if (!unfinished) skipped++;
            }
            catch (JsonException)
            {
                if (!unfinished) skipped++;
            }
        }
        if (records.Count == 0 && skipped > 0)
        {
            throw new ViewException(422, $"{Path.GetFileName(path)} of run '{run}' has {skipped} line(s) and none is a JSON object; expected one object per line.");
        }
        return (records, skipped);
    }

    private static IEnumerable<string> Folders(string dir, int depth)
    {
        yield return dir;
        if (depth == MaxDepth) yield break;
        string[] children;
        try
        {
            children = Directory.GetDirectories(dir);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            yield break;
        }
        Array.Sort(children, StringComparer.Ordinal);
        foreach (string child in children)
        {
            foreach (string d in Folders(child, depth + 1)) yield return d;
        }
    }
}
