using System.Text.Json;
using Recurrent.View;

namespace Recurrent.Tests.View;

/// <summary><c>GET /api/runs</c> and a run's metrics and samples, and the 4xx JSON errors of missing or damaged runs.</summary>
public sealed class ViewRunsApiTests : IDisposable
{
    private readonly ViewFiles _files = new();

    [Fact]
    public async Task ListsEveryFolderWithMetricsWithItsKindOptionsAndModels()
    {
        await using var host = await ViewHost.Start(new ViewOptions(_files.Root));
        var (status, json) = await host.Get("/api/runs");
        Assert.Equal(200, status);
        var runs = json.GetProperty("runs").EnumerateArray().ToDictionary(r => r.GetProperty("name").GetString()!);
        Assert.Equal(["broken", "lm", "nested/gru"], runs.Keys.Order());
        Assert.Equal("char-lm", runs["lm"].GetProperty("kind").GetString());
        Assert.Equal(4, runs["lm"].GetProperty("options").GetProperty("Batch").GetInt32());
        Assert.Equal(["best.safetensors"], runs["lm"].GetProperty("models").EnumerateArray().Select(m => m.GetString()));
        Assert.True(runs["lm"].GetProperty("hasSamples").GetBoolean());
        Assert.Equal("train", runs["nested/gru"].GetProperty("kind").GetString());
        Assert.Contains("run.json cannot be read", runs["broken"].GetProperty("optionsError").GetString());
    }

    [Fact]
    public async Task MetricsFromAnIndexOnSkipBadLinesAndLeaveTheUnfinishedLastLine()
    {
        await using var host = await ViewHost.Start(new ViewOptions(_files.Root));
        var (status, all) = await host.Get("/api/runs/lm/metrics");
        Assert.Equal(200, status);
        Assert.Equal([3.9, 3.1, 2.6], all.GetProperty("records").EnumerateArray().Select(r => r.GetProperty("train_loss").GetDouble()));
        Assert.Equal(3, all.GetProperty("next").GetInt32());
        var (_, after) = await host.Get("/api/runs/lm/metrics?after=2");
        Assert.Equal([30L], after.GetProperty("records").EnumerateArray().Select(r => r.GetProperty("step").GetInt64()));
        var (_, none) = await host.Get("/api/runs/lm/metrics?after=3");
        Assert.Empty(none.GetProperty("records").EnumerateArray());

        var (_, gru) = await host.Get("/api/runs/nested/gru/metrics");
        Assert.Equal([5L, 10L], gru.GetProperty("records").EnumerateArray().Select(r => r.GetProperty("step").GetInt64()));
        Assert.Equal(1, gru.GetProperty("skipped").GetInt32());

        // The run gains a line while the view is up: the next poll from `next` returns it alone.
        File.AppendAllText(Path.Combine(_files.Root, "lm", "metrics.jsonl"), "{\"wall_s\":6,\"step\":40,\"train_loss\":2.2,\"val_loss\":2.4}\n");
        var (_, live) = await host.Get("/api/runs/lm/metrics?after=3");
        Assert.Equal([40L], live.GetProperty("records").EnumerateArray().Select(r => r.GetProperty("step").GetInt64()));
        Assert.Equal(4, live.GetProperty("next").GetInt32());
    }

    [Fact]
    public async Task SamplesOfARun()
    {
        await using var host = await ViewHost.Start(new ViewOptions(_files.Root));
        var (status, json) = await host.Get("/api/runs/lm/samples");
        Assert.Equal(200, status);
        var sample = Assert.Single(json.GetProperty("samples").EnumerateArray());
        Assert.Equal("Hello\nthere", sample.GetProperty("text").GetString());
        var (_, none) = await host.Get("/api/runs/nested/gru/samples");
        Assert.Empty(none.GetProperty("samples").EnumerateArray());
    }

    [Fact]
    public async Task TextFromTheRunsValidationTenthStartsAtAParagraph()
    {
        string corpus = Path.Combine(_files.Root, "lm", "tiny.txt");
        string train = string.Concat(Enumerable.Repeat("A line of the training text.\n", 90));
        File.WriteAllText(corpus, train + "tail of training\n\nVALIDATION:\nHeld out.\n" + new string('x', 100));
        await using var host = await ViewHost.Start(new ViewOptions(_files.Root) { MaxInputChars = 40 });
        var (status, json) = await host.Get("/api/runs/lm/text");
        Assert.Equal(200, status);
        string text = json.GetProperty("text").GetString()!;
        Assert.Equal(40, text.Length);
        Assert.StartsWith("VALIDATION:\nHeld out.\nxxx", text);
        var (missing, error) = await host.Get("/api/runs/nested/gru/text");
        AssertError(missing, error, 404, "names no corpus");
    }

    [Theory]
    [InlineData("/api/runs/broken/metrics", 422, "none is a JSON object")]
    [InlineData("/api/runs/nope/metrics", 404, "no run named 'nope'")]
    [InlineData("/api/runs/lm%2F..%2Fbroken/metrics", 404, "no run named")]
    [InlineData("/api/runs/lm/metrics?after=-1", 400, "after must be a non-negative")]
    [InlineData("/api/runs/lm", 404, "expected /api/runs/NAME/metrics, /samples or /text")]
    [InlineData("/api/unknown", 404, "no API")]
    public async Task BadRunRequestsAreOneLineJsonErrors(string path, int expected, string message)
    {
        await using var host = await ViewHost.Start(new ViewOptions(_files.Root));
        var (status, json) = await host.Get(path);
        AssertError(status, json, expected, message);
    }

    [Fact]
    public async Task AMissingRunsFolderIsA404ThatSaysSo()
    {
        await using var host = await ViewHost.Start(new ViewOptions(Path.Combine(_files.Root, "missing")));
        var (status, json) = await host.Get("/api/runs");
        AssertError(status, json, 404, "does not exist");
        var (models, list) = await host.Get("/api/models");
        Assert.Equal(200, models);
        Assert.Empty(list.GetProperty("models").EnumerateArray());
    }

    [Fact]
    public async Task ARunsPathThatIsAFileIsA400()
    {
        await using var host = await ViewHost.Start(new ViewOptions(Path.Combine(_files.Root, "lm", "run.json")));
        var (status, json) = await host.Get("/api/runs");
        AssertError(status, json, 400, "is a file");
    }

    internal static void AssertError(int status, JsonElement json, int expected, string message)
    {
        Assert.Equal(expected, status);
        string error = json.GetProperty("error").GetString()!;
        Assert.Contains(message, error);
        Assert.DoesNotContain('\n', error);
    }

    public void Dispose() => _files.Dispose();
}
