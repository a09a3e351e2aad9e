using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Recurrent.Models;
using Recurrent.View.Analysis;

namespace Recurrent.View.Api;

/// <summary>
/// <c>GET /api/models</c>, <c>GET /api/patterns</c>, and the three analyses of a char-LM over a text:
/// <c>POST /api/activations</c> (per character the top predictions, and one layer's activations of one kind),
/// <c>POST /api/search</c> (units ranked by the Pearson r of their activation with a marker) and
/// <c>POST /api/gradients</c> (‖∂L/∂h[t]‖ against distance, per model and layer). docs/VIEW.md has the fields.
/// </summary>
internal static class ModelEndpoints
{
    private const int MaxTop = 20;

    public static void Map(IEndpointRouteBuilder app)
    {
        app.MapGet("/api/models", (ViewState state) => Results.Json(new { models = state.Models.List() }, RequestBody.Json));
        app.MapGet("/api/patterns", () => Results.Json(new { patterns = PatternMarkers.Names }, RequestBody.Json));
        app.MapPost("/api/activations", async (HttpRequest request, ViewState state) =>
        {
            var body = await RequestBody.Read<ActivationsRequest>(request);
            var model = state.Models.CharModel(body.Model);
            var (text, note) = ReadText(body.Text, state.Options.MaxInputChars, model, minimum: 1);
            int top = Math.Clamp(body.Top, 1, MaxTop);
            lock (model)
            {
                var trace = ActivationTrace.Run(model, text);
                float[] values = trace.Values(body.Kind, body.Layer);
                return Results.Json(new
                {
                    model = body.Model, text, note, layers = trace.Layers, hidden = trace.Hidden, kinds = trace.Kinds, layer = body.Layer, kind = body.Kind,
                    steps = Steps(trace, model, top), values = Rows(values, trace.Steps, trace.Hidden),
                }, RequestBody.Json);
            }
        });
        app.MapPost("/api/search", async (HttpRequest request, ViewState state) =>
        {
            var body = await RequestBody.Read<SearchRequest>(request);
            var model = state.Models.CharModel(body.Model);
            var (text, note) = ReadText(body.Text, state.Options.MaxInputChars, model, minimum: 2);
            double[] marks = Marks(body, text);
            lock (model)
            {
                var trace = ActivationTrace.Run(model, text);
                var matches = UnitSearch.Rank(trace.Values(body.Kind, body.Layer), marks, trace.Hidden);
                if (matches.Count == 0) note = Join(note, "the marker is constant over this text (nothing marked, or everything), so no unit correlates with it.");
                return Results.Json(new
                {
                    model = body.Model, text, note, pattern = body.Pattern, layer = body.Layer, kind = body.Kind, marks,
                    matches = matches.Take(Math.Clamp(body.Top, 1, trace.Hidden)).Select(m => new { unit = m.Unit, r = m.R }),
                }, RequestBody.Json);
            }
        });
        app.MapPost("/api/gradients", async (HttpRequest request, ViewState state) =>
        {
            var body = await RequestBody.Read<GradientsRequest>(request);
            if (body.Models is not { Length: > 0 }) throw new ViewException(400, "no models named; pass \"models\": one or more ids from GET /api/models.");
            if (body.Models.Length > 8) throw new ViewException(400, $"{body.Models.Length} models named; the view compares at most 8.");
            var series = new List<object>();
            string? shown = null, note = null;
            foreach (string id in body.Models)
            {
                var model = state.Models.CharModel(id);
                var (text, cut) = ReadText(body.Text, state.Options.MaxInputChars, model, minimum: 2);
                (shown, note) = (text, cut);
                lock (model)
                {
                    series.Add(new { model = id, cell = model.Rnn.Kind.ToString(), hidden = model.Rnn.HiddenSize, norms = CharGradients.Norms(model, text) });
                }
            }
            return Results.Json(new { text = shown, note, series }, RequestBody.Json);
        });
    }

    /// <summary>The text cut to the cap (with a message), every character checked against the model's vocabulary.</summary>
    private static (string Text, string? Note) ReadText(string? text, int cap, CharLanguageModel<float> model, int minimum)
    {
        if (string.IsNullOrEmpty(text)) throw new ViewException(400, "no text; pass \"text\" with at least one character.");
        string? note = null;
        if (text.Length > cap)
        {
            note = $"The text has {text.Length:N0} characters; the view reads the first {cap:N0}.";
            text = text[..cap];
        }
        if (text.Length < minimum) throw new ViewException(400, $"the text has {text.Length} character(s); this analysis needs at least {minimum}.");
        var vocabulary = model.Vocabulary!;
        for (int i = 0; i < text.Length; i++)
        {
            if (!vocabulary.Contains(text[i]))
            {
                throw new ViewException(400, $"character {Show(text[i])} at position {i} is not in the model's vocabulary of {vocabulary.Count} characters; remove or replace it.");
            }
        }
        return (text, note);
    }

    private static double[] Marks(SearchRequest body, string text)
    {
        if (body.Marks is { } marks)
        {
            if (marks.Length < text.Length) throw new ViewException(400, $"marks has {marks.Length} values; expected one per character of the text ({text.Length}).");
            return marks[..text.Length];
        }
        if (string.IsNullOrEmpty(body.Pattern)) throw new ViewException(400, $"no pattern and no marks; pass \"pattern\" ({string.Join(", ", PatternMarkers.Names)}) or \"marks\".");
        return PatternMarkers.Mark(body.Pattern, text);
    }

    private static IEnumerable<object> Steps(ActivationTrace trace, CharLanguageModel<float> model, int top)
    {
        var vocabulary = model.Vocabulary!;
        int v = vocabulary.Count;
        var order = new int[v];
        for (int t = 0; t < trace.Steps; t++)
        {
            var p = trace.Probabilities.AsSpan(t * v, v).ToArray();
            for (int j = 0; j < v; j++) order[j] = j;
            Array.Sort(order, (a, b) => p[b].CompareTo(p[a]));
            double? next = t + 1 < trace.Steps ? p[vocabulary.IdOf(trace.Text[t + 1])] : null;
            yield return new { @char = trace.Text[t].ToString(), next, top = order.Take(top).Select(j => new { @char = vocabulary[j].ToString(), p = p[j] }).ToList() };
        }
    }

    private static float[][] Rows(float[] values, int steps, int width)
    {
        var rows = new float[steps][];
        for (int t = 0; t < steps; t++) rows[t] = values.AsSpan(t * width, width).ToArray();
        return rows;
    }

    private static string Join(string? a, string b) => a is null ? b : a + " " + b;

    private static string Show(char c) => c switch
    {
        '\n' => "'\\n'", '\t' => "'\\t'", '\r' => "'\\r'",
        _ when char.IsControl(c) || char.IsWhiteSpace(c) => $"U+{(int)c:X4}",
        _ => $"'{c}'",
    };
}
