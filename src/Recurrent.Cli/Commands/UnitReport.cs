using System.Globalization;
using System.Net.Http.Json;
using System.Text.Json;
using Recurrent.View;

namespace Recurrent.Cli.Commands;

/// <summary>
/// <c>recurrent view --search PATTERN --model F --text-file F</c>: asks the view's own API (<c>POST /api/search</c>, on
/// a server started on a free port of 127.0.0.1 and stopped after) for the units of every layer and kind that best track
/// the pattern, and prints them, so a result in docs/VIEW.md can be reproduced without a browser.
/// </summary>
internal static class UnitReport
{
    public static readonly string[] Patterns = ["inside quotes", "after newline", "inside brackets", "line position"];

    public static int Print(ViewOptions options, string pattern, string? textFile, double tail)
    {
        if (options.ModelFile is null) throw new UsageException("--search needs --model FILE, the char-LM whose units are searched.");
        if (textFile is null) throw new UsageException("--search needs --text-file FILE, the text the units are read over.");
        if (!Patterns.Contains(pattern)) throw new UsageException($"--search '{pattern}' is not a pattern; expected one of: {string.Join(", ", Patterns)}.");
        if (tail is < 0 or >= 1) throw new UsageException($"--tail must be in [0, 1); got {tail}.");
        string text = CommonOptions.ReadInput("--text-file", textFile, () => File.ReadAllText(textFile));
        int start = tail > 0 ? (int)(text.Length * (1 - tail)) : 0;
        text = text.Substring(start, Math.Min(options.MaxInputChars, text.Length - start));

        var app = ViewServer.Build(options with { Port = 0 });
        app.StartAsync().GetAwaiter().GetResult();
        try
        {
            using var http = new HttpClient { BaseAddress = new Uri(app.Urls.First()), Timeout = TimeSpan.FromMinutes(10) };
            var models = Get(http, "/api/models");
            var model = models.GetProperty("models").EnumerateArray().First();
            if (model.GetProperty("error").GetString() is { } error) throw new UsageException($"--model {options.ModelFile}: {error}");
            int layers = model.GetProperty("layers").GetInt32();
            var kinds = model.GetProperty("states").EnumerateArray().Concat(model.GetProperty("gates").EnumerateArray()).Select(k => k.GetString()!).ToList();
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"Units of {options.ModelFile} that best track \"{pattern}\" over {text.Length:N0} characters of {textFile} from character {start:N0} (Pearson r):"));
            foreach (string kind in kinds)
            {
                for (int layer = 0; layer < layers; layer++)
                {
                    var result = Post(http, "/api/search", new { model = "model", text, pattern, layer, kind, top = 3 });
                    var matches = result.GetProperty("matches").EnumerateArray()
                        .Select(m => string.Create(CultureInfo.InvariantCulture, $"unit {m.GetProperty("unit").GetInt32()} r = {m.GetProperty("r").GetDouble():+0.000;-0.000}")).ToList();
                    string line = matches.Count == 0 ? result.GetProperty("note").GetString() ?? "no unit" : string.Join(", ", matches);
                    Console.WriteLine($"  layer {layer} {kind}: {line}");
                }
            }
            return 0;
        }
        finally
        {
            app.StopAsync().GetAwaiter().GetResult();
        }
    }

    private static JsonElement Get(HttpClient http, string path) => Check(http.GetAsync(path).GetAwaiter().GetResult());

    private static JsonElement Post(HttpClient http, string path, object body) => Check(http.PostAsJsonAsync(path, body).GetAwaiter().GetResult());

    private static JsonElement Check(HttpResponseMessage response)
    {
        var json = response.Content.ReadFromJsonAsync<JsonElement>().GetAwaiter().GetResult();
        if (!response.IsSuccessStatusCode) throw new UsageException(json.TryGetProperty("error", out var e) ? e.GetString()! : $"HTTP {(int)response.StatusCode}");
        return json;
    }
}
