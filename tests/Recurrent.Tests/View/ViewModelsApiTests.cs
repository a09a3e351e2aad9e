using System.Text.Json;
using Recurrent.Autodiff;
using Recurrent.Models;
using Recurrent.View;

namespace Recurrent.Tests.View;

/// <summary>
/// <c>/api/models</c> and <c>/api/activations</c>: what the page shows is what the model computes, checked against the
/// model's own full-sequence forward (not the streaming step the view uses) and its softmax in double; and the errors
/// of damaged files, unknown models, bad bodies, long texts and characters outside the vocabulary.
/// </summary>
public sealed class ViewModelsApiTests : IDisposable
{
    private const string Text = "ROMEO:\nBut soft, what light (through yonder) window breaks?\n\"It is\" the east.\n";

    private readonly ViewFiles _files = new();

    private ViewOptions Options => new(_files.Root, Path.Combine(_files.Root, "lm", "best.safetensors"));

    [Fact]
    public async Task ListsTheGivenModelFirstThenTheRunsFilesWithTheirProblems()
    {
        await using var host = await ViewHost.Start(Options);
        var (status, json) = await host.Get("/api/models");
        Assert.Equal(200, status);
        var models = json.GetProperty("models").EnumerateArray().ToList();
        Assert.Equal(["model", "damaged.safetensors", "nested/gru/best.safetensors"], models.Select(m => m.GetProperty("id").GetString()));
        Assert.Equal("Lstm", models[0].GetProperty("cell").GetString());
        Assert.Equal(["i", "f", "g", "o"], models[0].GetProperty("gates").EnumerateArray().Select(g => g.GetString()));
        Assert.Equal(["h", "c"], models[0].GetProperty("states").EnumerateArray().Select(g => g.GetString()));
        Assert.False(string.IsNullOrEmpty(models[1].GetProperty("error").GetString()));
        Assert.Equal(["r", "z", "n"], models[2].GetProperty("gates").EnumerateArray().Select(g => g.GetString()));
    }

    [Fact]
    public async Task HiddenStatesAndProbabilitiesEqualTheModelsFullSequenceForward()
    {
        await using var host = await ViewHost.Start(Options);
        var model = _files.Lstm;
        model.Eval();
        int[] ids = model.Vocabulary!.Encode(Text);
        var tape = new Tape<float>();
        var (logits, final) = model.Forward(tape, ids, 1);                          // (1, T, V), final (L, 1, H) per entry
        var embedded = tape.Reshape3(model.Embedding.Forward(tape, ids), 1, ids.Length);
        float[] top = model.Rnn.Forward(tape, embedded).Output.Value.Span.ToArray();          // (1, T, H): the last layer's h[t]
        int h = model.Rnn.HiddenSize, v = model.Config.VocabularySize, layers = model.Rnn.Spec.Layers;

        var (status, json) = await host.Post("/api/activations", new { model = "model", text = Text, layer = layers - 1, kind = "h", top = 3 });
        Assert.Equal(200, status);
        var values = json.GetProperty("values").EnumerateArray().Select(r => r.EnumerateArray().Select(x => x.GetDouble()).ToArray()).ToArray();
        Assert.Equal(ids.Length, values.Length);
        for (int t = 0; t < ids.Length; t++)
        {
            for (int u = 0; u < h; u++) Assert.True(Math.Abs(values[t][u] - top[t * h + u]) < 1e-5, $"h[{t}][{u}]: view {values[t][u]}, forward {top[t * h + u]}");
        }
        var steps = json.GetProperty("steps").EnumerateArray().ToList();
        float[] z = logits.Value.Span.ToArray();
        for (int t = 0; t < ids.Length; t++)
        {
            double max = double.NegativeInfinity, sum = 0;
            for (int j = 0; j < v; j++) max = Math.Max(max, z[t * v + j]);
            var p = new double[v];
            for (int j = 0; j < v; j++) sum += p[j] = Math.Exp(z[t * v + j] - max);
            for (int j = 0; j < v; j++) p[j] /= sum;
            int best = Array.IndexOf(p, p.Max());
            var first = steps[t].GetProperty("top")[0];
            Assert.Equal(model.Vocabulary[best].ToString(), first.GetProperty("char").GetString());
            Assert.True(Math.Abs(p[best] - first.GetProperty("p").GetDouble()) < 1e-5, $"p at {t}");
            if (t + 1 < ids.Length) Assert.True(Math.Abs(p[ids[t + 1]] - steps[t].GetProperty("next").GetDouble()) < 1e-5, $"p(next) at {t}");
            Assert.Equal(3, steps[t].GetProperty("top").GetArrayLength());
        }

        // Every layer's last h and c are the forward's final states.
        for (int k = 0; k < layers; k++)
        {
            foreach (var (kind, entry) in new[] { ("h", 0), ("c", 1) })
            {
                var (_, each) = await host.Post("/api/activations", new { model = "model", text = Text, layer = k, kind });
                var last = each.GetProperty("values")[ids.Length - 1].EnumerateArray().Select(x => x.GetDouble()).ToArray();
                for (int u = 0; u < h; u++) Assert.True(Math.Abs(last[u] - final[entry].Value.Span[k * h + u]) < 1e-5, $"{kind} layer {k} unit {u}");
            }
        }
    }

    [Fact]
    public async Task GateValuesAreInTheirRangeAndTheCellStateFollowsFromThem()
    {
        await using var host = await ViewHost.Start(Options);
        var m = new Dictionary<string, double[][]>();
        foreach (string kind in new[] { "i", "f", "g", "o", "c", "h" })
        {
            var (status, json) = await host.Post("/api/activations", new { model = "model", text = Text, layer = 1, kind });
            Assert.Equal(200, status);
            m[kind] = json.GetProperty("values").EnumerateArray().Select(r => r.EnumerateArray().Select(x => x.GetDouble()).ToArray()).ToArray();
        }
        for (int t = 0; t < Text.Length; t++)
        {
            for (int u = 0; u < 9; u++)
            {
                double cPrev = t == 0 ? 0 : m["c"][t - 1][u];
                Assert.InRange(m["f"][t][u], 0, 1);
                Assert.True(Math.Abs(m["f"][t][u] * cPrev + m["i"][t][u] * m["g"][t][u] - m["c"][t][u]) < 1e-5, $"c[{t}][{u}] = f⊙c + i⊙g");
                Assert.True(Math.Abs(m["o"][t][u] * Math.Tanh(m["c"][t][u]) - m["h"][t][u]) < 1e-5, $"h[{t}][{u}] = o⊙tanh(c)");
            }
        }
    }

    [Fact]
    public async Task ALongTextIsCutToTheCapWithAMessage()
    {
        await using var host = await ViewHost.Start(Options with { MaxInputChars = 50 });
        var (status, json) = await host.Post("/api/activations", new { model = "model", text = Text + Text });
        Assert.Equal(200, status);
        Assert.Equal(50, json.GetProperty("text").GetString()!.Length);
        Assert.Equal(50, json.GetProperty("steps").GetArrayLength());
        Assert.Contains("the view reads the first 50", json.GetProperty("note").GetString());
    }

    [Theory]
    [InlineData("damaged.safetensors", "h", 0, 422, "cannot be read")]
    [InlineData("nope", "h", 0, 404, "no model 'nope'")]
    [InlineData("", "h", 0, 400, "no model named")]
    [InlineData("model", "x", 0, 400, "kind 'x' is not one of this model's: h, c, i, f, g, o")]
    [InlineData("model", "h", 2, 400, "layer 2 is out of range")]
    public async Task BadActivationRequestsAreOneLineJsonErrors(string model, string kind, int layer, int expected, string message)
    {
        await using var host = await ViewHost.Start(Options);
        var (status, json) = await host.Post("/api/activations", new { model, text = "abc", layer, kind });
        ViewRunsApiTests.AssertError(status, json, expected, message);
    }

    [Fact]
    public async Task AMissingModelFileIsListedWithItsErrorAndRefusedWith422()
    {
        await using var host = await ViewHost.Start(new ViewOptions(_files.Root, Path.Combine(_files.Root, "none.safetensors")));
        var (_, list) = await host.Get("/api/models");
        Assert.Contains("does not exist", list.GetProperty("models")[0].GetProperty("error").GetString());
        var (status, json) = await host.Post("/api/activations", new { model = "model", text = "abc" });
        ViewRunsApiTests.AssertError(status, json, 422, "does not exist");
    }

    [Theory]
    [InlineData("{ not json", 400, "not the JSON expected")]
    [InlineData("null", 400, "the request body is empty")]
    [InlineData("{\"model\":\"model\"}", 400, "no text")]
    [InlineData("{\"model\":\"model\",\"text\":\"caf\\u00e9\"}", 400, "character 'é' at position 3 is not in the model's vocabulary")]
    [InlineData("{\"model\":\"model\",\"text\":\"a\\tb\"}", 400, "character '\\t' at position 1")]
    public async Task BadBodiesAreOneLineJsonErrors(string body, int expected, string message)
    {
        await using var host = await ViewHost.Start(Options);
        var (status, json) = await host.PostRaw("/api/activations", body);
        ViewRunsApiTests.AssertError(status, json, expected, message);
    }

    [Fact]
    public async Task ThePageAndItsScriptsAreServedFromTheAssemblyWithoutAnyCdn()
    {
        await using var host = await ViewHost.Start(Options);
        string page = await host.Client.GetStringAsync("/");
        Assert.Contains("Inside a sequence", page);
        foreach (string file in new[] { "app.js", "plot.js", "runs.js", "sequence.js", "gradients.js", "style.css" })
        {
            Assert.Contains($"/app/{file}", page);
            string text = await host.Client.GetStringAsync($"/app/{file}");
            Assert.DoesNotContain("http://", text);
            Assert.DoesNotContain("https://", text);
        }
        Assert.DoesNotContain("https://", page);
    }

    public void Dispose() => _files.Dispose();
}
