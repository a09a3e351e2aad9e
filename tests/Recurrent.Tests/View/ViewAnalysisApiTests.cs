using Recurrent.Cells;
using Recurrent.Data.Text;
using Recurrent.Layers;
using Recurrent.Models;
using Recurrent.Serialization;
using Recurrent.Tensors;
using Recurrent.View;

namespace Recurrent.Tests.View;

/// <summary>
/// <c>/api/search</c> and <c>/api/gradients</c>: a planted unit ranked first, every r against a naive two-pass Pearson
/// over the activations, and ‖∂L/∂h[t]‖ against a hand-written backpropagation through an Elman char-LM in double.
/// </summary>
public sealed class ViewAnalysisApiTests : IDisposable
{
    private const string Text = "First line here.\nSecond (with brackets) line.\n\"Quoted,\" said he.\nEnd.\n";

    private readonly ViewFiles _files = new();

    [Theory]
    [InlineData("line position", "h")]
    [InlineData("inside brackets", "c")]
    [InlineData("inside quotes", "f")]
    [InlineData("after newline", "h")]
    public async Task EveryRIsTheNaivePearsonOfTheUnitsActivationsWithTheMarker(string pattern, string kind)
    {
        await using var host = await ViewHost.Start(new ViewOptions(_files.Root, Path.Combine(_files.Root, "lm", "best.safetensors")));
        var (status, search) = await host.Post("/api/search", new { model = "model", text = Text, pattern, layer = 1, kind, top = 9 });
        Assert.Equal(200, status);
        var (_, acts) = await host.Post("/api/activations", new { model = "model", text = Text, layer = 1, kind });
        var a = acts.GetProperty("values").EnumerateArray().Select(r => r.EnumerateArray().Select(x => x.GetDouble()).ToArray()).ToArray();
        double[] marks = search.GetProperty("marks").EnumerateArray().Select(x => x.GetDouble()).ToArray();
        Assert.Equal(NaiveMarks(pattern, Text), marks);
        var matches = search.GetProperty("matches").EnumerateArray().ToList();
        Assert.Equal(9, matches.Count);
        double previous = double.PositiveInfinity;
        foreach (var m in matches)
        {
            int unit = m.GetProperty("unit").GetInt32();
            double r = m.GetProperty("r").GetDouble();
            Assert.Equal(Pearson(a.Select(row => row[unit]).ToArray(), marks), r, 6);
            Assert.True(Math.Abs(r) <= previous + 1e-12, "ranked by |r|");
            previous = Math.Abs(r);
        }
    }

    [Fact]
    public async Task APlantedNewlineUnitIsRankedFirstWithRNearOne()
    {
        // An Elman char-LM with one-hot embeddings whose unit 3 is tanh(6·[x = '\n'] − 3) and reads nothing else.
        var vocabulary = CharVocabulary.FromSymbols(ViewFiles.Vocabulary);
        int v = vocabulary.Count, hidden = 7, planted = 3;
        var model = new CharLanguageModel<float>(new CharModelConfig(v, v, new RecurrentSpec { Cell = CellKind.Elman, HiddenSize = hidden }), new Rng(5), vocabulary);
        var e = model.Embedding.Weight.Value.Span;
        e.Clear();
        for (int i = 0; i < v; i++) e[i * v + i] = 1;
        var cell = (GateBlockCell<float>)model.Rnn.Cells[0];
        cell.WeightIH.Value.Span.Slice(planted * v, v).Clear();
        cell.WeightIH.Value.Span[planted * v + vocabulary.IdOf('\n')] = 6;
        cell.WeightHH.Value.Span.Slice(planted * hidden, hidden).Clear();
        cell.BiasIH.Value.Span[planted] = -3;
        cell.BiasHH.Value.Span[planted] = 0;
        string file = Path.Combine(_files.Root, "planted.safetensors");
        model.Save(file);

        await using var host = await ViewHost.Start(new ViewOptions(_files.Root, file));
        var (status, json) = await host.Post("/api/search", new { model = "model", text = Text, pattern = "after newline", layer = 0, kind = "h" });
        Assert.Equal(200, status);
        var first = json.GetProperty("matches")[0];
        Assert.Equal(planted, first.GetProperty("unit").GetInt32());
        Assert.True(first.GetProperty("r").GetDouble() > 0.999, $"r = {first.GetProperty("r").GetDouble()}");

        // Marks of one's own: the same marker given by hand gives the same ranking.
        var marks = Text.Select(c => c == '\n' ? 1.0 : 0.0).ToArray();
        var (_, byHand) = await host.Post("/api/search", new { model = "model", text = Text, marks, layer = 0, kind = "h" });
        Assert.Equal(planted, byHand.GetProperty("matches")[0].GetProperty("unit").GetInt32());
    }

    [Theory]
    [InlineData("{\"model\":\"model\",\"text\":\"abc\"}", 400, "no pattern and no marks")]
    [InlineData("{\"model\":\"model\",\"text\":\"abc\",\"pattern\":\"vowels\"}", 400, "pattern 'vowels' is not one of")]
    [InlineData("{\"model\":\"model\",\"text\":\"abc\",\"marks\":[1,0]}", 400, "marks has 2 values; expected one per character of the text (3)")]
    public async Task BadSearchesAreOneLineJsonErrors(string body, int expected, string message)
    {
        await using var host = await ViewHost.Start(new ViewOptions(_files.Root, Path.Combine(_files.Root, "lm", "best.safetensors")));
        var (status, json) = await host.PostRaw("/api/search", body);
        ViewRunsApiTests.AssertError(status, json, expected, message);
    }

    [Fact]
    public async Task AConstantMarkerFindsNoUnitAndSaysWhy()
    {
        await using var host = await ViewHost.Start(new ViewOptions(_files.Root, Path.Combine(_files.Root, "lm", "best.safetensors")));
        var (status, json) = await host.Post("/api/search", new { model = "model", text = "no quotes here", pattern = "inside quotes" });
        Assert.Equal(200, status);
        Assert.Empty(json.GetProperty("matches").EnumerateArray());
        Assert.Contains("the marker is constant", json.GetProperty("note").GetString());
    }

    [Fact]
    public async Task GradientNormsEqualAHandWrittenBackpropagationInDouble()
    {
        var vocabulary = CharVocabulary.FromSymbols(ViewFiles.Vocabulary);
        var model = new CharLanguageModel<float>(new CharModelConfig(vocabulary.Count, 5, new RecurrentSpec { Cell = CellKind.Elman, HiddenSize = 33 }), new Rng(9), vocabulary);
        string file = Path.Combine(_files.Root, "elman.safetensors");
        model.Save(file);
        const string text = "Second (with brackets) line.\nEnd";

        await using var host = await ViewHost.Start(new ViewOptions(_files.Root, file));
        var (status, json) = await host.Post("/api/gradients", new { models = new[] { "model", "lm/best.safetensors" }, text });
        Assert.Equal(200, status);
        var series = json.GetProperty("series").EnumerateArray().ToList();
        Assert.Equal(2, series.Count);
        Assert.Equal("Lstm", series[1].GetProperty("cell").GetString());
        Assert.Equal(2, series[1].GetProperty("norms").GetArrayLength());
        double[] norms = series[0].GetProperty("norms")[0].EnumerateArray().Select(x => x.GetDouble()).ToArray();
        double[] expected = NaiveElmanNorms(model, text);
        Assert.Equal(text.Length - 1, norms.Length);
        for (int d = 0; d < norms.Length; d++)
        {
            Assert.True(Math.Abs(norms[d] - expected[d]) <= 1e-4 * expected[d] + 1e-9, $"d = {d}: view {norms[d]}, double {expected[d]}");
        }
        Assert.True(expected[^1] < expected[0], "the gradient fades with distance");
    }

    [Fact]
    public async Task GradientsOfAnUnknownOrDamagedModelAreJsonErrors()
    {
        await using var host = await ViewHost.Start(new ViewOptions(_files.Root));
        var (status, json) = await host.Post("/api/gradients", new { models = new[] { "damaged.safetensors" }, text = "abc" });
        ViewRunsApiTests.AssertError(status, json, 422, "cannot be read");
        (status, json) = await host.Post("/api/gradients", new { models = Array.Empty<string>(), text = "abc" });
        ViewRunsApiTests.AssertError(status, json, 400, "no models named");
        (status, json) = await host.Post("/api/gradients", new { models = new[] { "lm/best.safetensors" }, text = "a" });
        ViewRunsApiTests.AssertError(status, json, 400, "needs at least 2");
    }

    /// <summary>
    /// h[t] = tanh(W_ih·e[t] + b_ih + W_hh·h[t−1] + b_hh), L = −log softmax(W_d·h[T−1] + b_d)[target];
    /// g[T−1] = W_dᵀ(p − onehot), g[t−1] = W_hhᵀ(g[t] ⊙ (1 − h[t]²)); norms[d] = ‖g[T−1−d]‖.
    /// </summary>
    private static double[] NaiveElmanNorms(CharLanguageModel<float> model, string text)
    {
        var cell = (GateBlockCell<float>)model.Rnn.Cells[0];
        int[] ids = model.Vocabulary!.Encode(text);
        int steps = ids.Length - 1, h = model.Rnn.HiddenSize, e = model.Config.EmbeddingSize, v = model.Config.VocabularySize;
        var wih = cell.WeightIH.Value.Span.ToArray();
        var whh = cell.WeightHH.Value.Span.ToArray();
        var emb = model.Embedding.Weight.Value.Span.ToArray();
        var states = new double[steps + 1][];
        states[0] = new double[h];
        for (int t = 0; t < steps; t++)
        {
            states[t + 1] = new double[h];
            for (int i = 0; i < h; i++)
            {
                double a = cell.BiasIH.Value.Span[i] + cell.BiasHH.Value.Span[i];
                for (int j = 0; j < e; j++) a += wih[i * e + j] * emb[ids[t] * e + j];
                for (int j = 0; j < h; j++) a += whh[i * h + j] * states[t][j];
                states[t + 1][i] = Math.Tanh(a);
            }
        }
        var wd = model.Decoder.Weight.Value.Span.ToArray();
        var logits = new double[v];
        for (int k = 0; k < v; k++)
        {
            logits[k] = model.Decoder.Bias!.Value.Span[k];
            for (int i = 0; i < h; i++) logits[k] += wd[k * h + i] * states[steps][i];
        }
        double max = logits.Max(), sum = logits.Sum(z => Math.Exp(z - max));
        var g = new double[h];
        for (int k = 0; k < v; k++)
        {
            double dz = Math.Exp(logits[k] - max) / sum - (k == ids[^1] ? 1 : 0);
            for (int i = 0; i < h; i++) g[i] += wd[k * h + i] * dz;
        }
        var norms = new double[steps];
        for (int t = steps; t >= 1; t--)
        {
            norms[steps - t] = Math.Sqrt(g.Sum(x => x * x));
            var next = new double[h];
            for (int i = 0; i < h; i++)
            {
                double da = g[i] * (1 - states[t][i] * states[t][i]);
                for (int j = 0; j < h; j++) next[j] += whh[i * h + j] * da;
            }
            g = next;
        }
        return norms;
    }

    private static double[] NaiveMarks(string pattern, string text)
    {
        var marks = new double[text.Length];
        for (int t = 0; t < text.Length; t++)
        {
            string upTo = text[..(t + 1)];
            marks[t] = pattern switch
            {
                "line position" => t - (text.LastIndexOf('\n', Math.Max(0, t - 1)) is var nl && nl >= 0 && nl < t ? nl + 1 : 0),
                "inside brackets" => upTo.Count(c => c == '(') > upTo.Count(c => c == ')') ? 1 : 0,
                "inside quotes" => upTo.Count(c => c == '"') % 2,
                _ => text[t] == '\n' ? 1 : 0,
            };
        }
        return marks;
    }

    private static double Pearson(double[] a, double[] m)
    {
        double ma = a.Average(), mm = m.Average();
        double cov = 0, va = 0, vm = 0;
        for (int i = 0; i < a.Length; i++)
        {
            cov += (a[i] - ma) * (m[i] - mm);
            va += (a[i] - ma) * (a[i] - ma);
            vm += (m[i] - mm) * (m[i] - mm);
        }
        return cov / Math.Sqrt(va * vm);
    }

    public void Dispose() => _files.Dispose();
}
