using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace Recurrent.View.Api;

/// <summary>
/// <c>GET /api/runs</c>, <c>GET /api/runs/{name}/metrics?after=N</c> (the records from index N on, and <c>next</c> to ask
/// from: the page polls it for live curves), <c>GET /api/runs/{name}/samples</c> and <c>GET /api/runs/{name}/text</c> (a
/// passage of the run's validation text, to look inside the model with). A run's name may contain '/'.
/// </summary>
internal static class RunEndpoints
{
    public static void Map(IEndpointRouteBuilder app)
    {
        app.MapGet("/api/runs", (ViewState state) => Results.Json(new { runsDirectory = state.Runs.Root, runs = state.Runs.List() }, RequestBody.Json));
        app.MapGet("/api/runs/{**path}", (string path, int? after, ViewState state) =>
        {
            if (path.EndsWith("/metrics", StringComparison.Ordinal))
            {
                return Results.Json(state.Runs.Metrics(path[..^"/metrics".Length], after ?? 0), RequestBody.Json);
            }
            if (path.EndsWith("/samples", StringComparison.Ordinal))
            {
                return Results.Json(state.Runs.Samples(path[..^"/samples".Length]), RequestBody.Json);
            }
            if (path.EndsWith("/text", StringComparison.Ordinal))
            {
                string name = path[..^"/text".Length];
                return Results.Json(new { run = name, text = state.Runs.Excerpt(name, state.Options.MaxInputChars) }, RequestBody.Json);
            }
            throw new ViewException(404, $"no such resource '/api/runs/{path}'; expected /api/runs/NAME/metrics, /samples or /text.");
        });
    }
}
