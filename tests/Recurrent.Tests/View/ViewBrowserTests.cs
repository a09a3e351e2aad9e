using System.Diagnostics;
using System.Globalization;
using System.Text;
using Microsoft.AspNetCore.Builder;
using OpenQA.Selenium;
using Recurrent.Autodiff;
using Recurrent.View;

namespace Recurrent.Tests.View;

/// <summary>
/// The page in a real headless Chromium against the real server on 127.0.0.1: each view loads and draws; the heat map
/// has one cell per character and unit shown; a probability the model computes (its own forward and softmax, here) is
/// on the page; the live curve gains points while a real <c>recurrent charlm train</c> writes its metrics; errors show
/// in the page. Skipped with the reason where Chromium or its driver is missing (<see cref="Browser.Start"/>).
/// </summary>
[Collection(nameof(ViewBrowserTests))]
public sealed class ViewBrowserTests : IDisposable
{
    private readonly ViewFiles _files = new();

    [SkippableFact]
    public async Task TheLiveCurveGainsPointsWhileATrainingRunWritesItsMetrics()
    {
        using var browser = Browser.Start();
        string runs = Path.Combine(_files.Root, "live-runs");
        Directory.CreateDirectory(runs);
        string corpus = Path.Combine(_files.Root, "corpus.txt");
        var text = new StringBuilder();
        for (int i = 0; i < 600; i++) text.Append(CultureInfo.InvariantCulture, $"Line {i % 17}: the quick brown fox (number {i % 5}) jumps.\n");
        File.WriteAllText(corpus, text.ToString());
        await using var server = await Serve(new ViewOptions(runs, Port: 0));
        browser.Driver.Navigate().GoToUrl(server.Url + "#runs");
        browser.Until(() => browser.Text("banner").Contains("No runs under"), "the page to say there is no run yet");

        using var training = StartCli(runs, "charlm", "train", "--corpus", corpus, "--out", Path.Combine(runs, "live"), "--minutes", "0.4",
            "--eval-steps", "8", "--hidden", "32", "--embed", "16", "--batch", "8", "--window", "32", "--sample-length", "60", "--threads", "1");
        try
        {
            browser.Until(() => browser.DataInt("plot-step", "points") >= 1, "the first point of the live run", 90);
            int first = browser.DataInt("plot-step", "points");
            browser.Until(() => browser.DataInt("plot-step", "points") > first, $"the curve to gain a point beyond {first}", 60);
            Assert.Contains("live", browser.Text("run-list"));
            browser.Until(() => browser.Text("samples").Contains("step"), "a validation sample");
            Assert.True(browser.DataInt("plot-time", "points") > 0);
            browser.Screenshot("runs-live");
        }
        finally
        {
            if (!training.HasExited) training.Kill(entireProcessTree: true);
            training.WaitForExit(30_000);
        }
    }

    [SkippableFact]
    public async Task TheSequenceViewShowsOneCellPerCharacterAndUnitAndTheModelsProbability()
    {
        using var browser = Browser.Start();
        await using var server = await Serve(new ViewOptions(_files.Root, Path.Combine(_files.Root, "lm", "best.safetensors"), 0));
        browser.Driver.Navigate().GoToUrl(server.Url + "#sequence");
        browser.Until(() => browser.ById("seq-model").FindElements(By.TagName("option")).Count == 2, "the two char-LMs in the model list");
        const string typed = "Hello (world).\nBye now";
        browser.Type("seq-text", typed);
        browser.ById("seq-run").Click();
        browser.Until(() => browser.DataInt("heat", "steps") == typed.Length, "the heat map of the typed text");
        int cells = browser.Driver.FindElements(By.CssSelector("#heat rect.cell")).Count;
        Assert.Equal(typed.Length * 9, cells);                         // T characters × all H = 9 units of the LSTM
        Assert.Equal(cells, browser.DataInt("heat", "cells"));

        // The model's own forward over the text, softmax in double: the likeliest character after "Hel" and its p.
        var model = _files.Lstm;
        model.Eval();
        int[] ids = model.Vocabulary!.Encode(typed);
        var z = model.Forward(new Tape<float>(), ids, 1).Logits.Value.Span.ToArray();
        int v = model.Config.VocabularySize, t = 2;
        double max = Enumerable.Range(0, v).Max(j => (double)z[t * v + j]);
        var p = Enumerable.Range(0, v).Select(j => Math.Exp(z[t * v + j] - max)).ToArray();
        double sum = p.Sum();
        int best = Array.IndexOf(p, p.Max());
        browser.Driver.FindElements(By.CssSelector("#seq-chars span"))[t].Click();
        string top = browser.Text("seq-top");
        Assert.Contains($"\"{model.Vocabulary[best]}\" {(p[best] / sum).ToString("F4", CultureInfo.InvariantCulture)}", top);
        browser.Screenshot("sequence");

        // The unit search ranks units and the heat map then shows them first.
        browser.Select("seq-pattern", "line position");
        browser.ById("seq-search").Click();
        browser.Until(() => browser.Driver.FindElements(By.CssSelector("#seq-matches .match")).Count == 9, "nine ranked units");
        Assert.Contains("ranked by the search", browser.Text("heat-caption"));
        browser.Screenshot("sequence-search");

        // A gate instead of h: the same number of cells.
        browser.Select("seq-kind", "f");
        browser.Until(() => browser.Text("heat-caption").Contains("forget gate"), "the forget gate's heat map");
        Assert.Equal(typed.Length * 9, browser.Driver.FindElements(By.CssSelector("#heat rect.cell")).Count);
    }

    [SkippableFact]
    public async Task TheGradientViewPlotsOneLinePerChosenModel()
    {
        using var browser = Browser.Start();
        await using var server = await Serve(new ViewOptions(_files.Root, Path.Combine(_files.Root, "lm", "best.safetensors"), 0));
        browser.Driver.Navigate().GoToUrl(server.Url + "#gradients");
        browser.Until(() => browser.Driver.FindElements(By.CssSelector("#grad-models input:checked")).Count == 2, "the two char-LMs, checked");
        const string text = "Hello there (friend).\nHow are you";
        browser.Type("grad-text", text);
        browser.ById("grad-run").Click();
        browser.Until(() => browser.DataInt("plot-grad", "points") == 2 * (text.Length - 1), "one point per model and distance");
        browser.Screenshot("gradients");
    }

    [SkippableFact]
    public async Task AMissingRunsFolderAndADamagedModelShowAMessageInThePage()
    {
        using var browser = Browser.Start();
        await using var server = await Serve(new ViewOptions(Path.Combine(_files.Root, "missing"), Path.Combine(_files.Root, "damaged.safetensors"), 0));
        browser.Driver.Navigate().GoToUrl(server.Url + "#runs");
        browser.Until(() => browser.Text("banner").Contains("does not exist"), "the missing runs folder's message");
        browser.ById("tab-sequence").Click();
        browser.Until(() => browser.Text("banner").Contains("No char-LM model to look inside: model:"), "the damaged model's message");
        browser.Screenshot("errors");
    }

    /// <summary>
    /// The screenshots of docs/VIEW.md, taken when RECURRENT_VIEW_SCREENSHOTS (the folder), RECURRENT_VIEW_RUNS,
    /// RECURRENT_VIEW_MODEL (a char-LM) and RECURRENT_VIEW_TEXT (a text whose last tenth is read) are set; skipped otherwise.
    /// </summary>
    [SkippableFact]
    public async Task ScreenshotsForTheDocs()
    {
        string? folder = Environment.GetEnvironmentVariable("RECURRENT_VIEW_SCREENSHOTS"), runs = Environment.GetEnvironmentVariable("RECURRENT_VIEW_RUNS");
        string? modelFile = Environment.GetEnvironmentVariable("RECURRENT_VIEW_MODEL"), textFile = Environment.GetEnvironmentVariable("RECURRENT_VIEW_TEXT");
        Skip.If(folder is null || runs is null || modelFile is null || textFile is null, "the docs' screenshots are taken only with RECURRENT_VIEW_SCREENSHOTS, RECURRENT_VIEW_RUNS, RECURRENT_VIEW_MODEL and RECURRENT_VIEW_TEXT set (docs/VIEW.md)");
        using var browser = Browser.Start();
        string all = File.ReadAllText(textFile!);
        string tail = all[(int)(all.Length * 0.9)..];
        string text = tail[(tail.IndexOf("\n\n", StringComparison.Ordinal) + 2)..][..220];
        await using var server = await Serve(new ViewOptions(runs!, modelFile, 0));
        browser.Driver.Navigate().GoToUrl(server.Url + "#runs");
        browser.Until(() => browser.DataInt("plot-step", "points") > 0, "the runs' curves");
        foreach (var box in browser.Driver.FindElements(By.CssSelector("#run-list input[type=checkbox]:not(:checked)"))) box.Click();
        Thread.Sleep(3000);
        browser.Driver.FindElements(By.CssSelector("#run-list .name")).First(e => e.Text.Contains("gru")).Click();
        browser.Until(() => browser.Text("samples").Contains("step"), "samples");
        browser.Screenshot("runs");

        browser.ById("tab-sequence").Click();
        browser.Until(() => browser.ById("seq-model").FindElements(By.TagName("option")).Count > 0, "the models");
        browser.Driver.ExecuteScript("document.getElementById('seq-text').value = arguments[0];", text);
        browser.Select("seq-layer", "1");
        browser.Select("seq-kind", "c");
        browser.Driver.ExecuteScript("document.getElementById('seq-units').value = 24;");
        browser.Select("seq-pattern", "line position");
        browser.ById("seq-search").Click();
        browser.Until(() => browser.DataInt("heat", "steps") == text.Length && browser.Text("heat-caption").Contains("ranked"), "the searched heat map", 120);
        browser.Driver.FindElements(By.CssSelector("#seq-chars span"))[40].Click();
        browser.Screenshot("sequence");

        browser.ById("tab-gradients").Click();
        browser.Until(() => browser.Driver.FindElements(By.CssSelector("#grad-models input")).Count > 0, "the models to compare");
        browser.Driver.ExecuteScript("document.getElementById('grad-text').value = arguments[0];", tail[..160]);
        browser.ById("grad-run").Click();
        browser.Until(() => browser.DataInt("plot-grad", "points") > 0, "the gradient plot", 300);
        browser.Screenshot("gradients");
    }

    private static Process StartCli(string workingDirectory, params string[] args)
    {
        var start = new ProcessStartInfo("dotnet") { WorkingDirectory = workingDirectory, RedirectStandardOutput = true, RedirectStandardError = true };
        start.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "Recurrent.Cli.dll"));
        foreach (string arg in args) start.ArgumentList.Add(arg);
        start.Environment["NO_COLOR"] = "1";
        var process = Process.Start(start)!;
        process.OutputDataReceived += (_, _) => { };
        process.ErrorDataReceived += (_, _) => { };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return process;
    }

    private static async Task<RunningView> Serve(ViewOptions options)
    {
        var app = ViewServer.Build(options);
        await app.StartAsync();
        return new RunningView(app, app.Urls.Single() + "/");
    }

    private sealed record RunningView(WebApplication App, string Url) : IAsyncDisposable
    {
        public async ValueTask DisposeAsync()
        {
            await App.StopAsync();
            await App.DisposeAsync();
        }
    }

    public void Dispose() => _files.Dispose();
}
