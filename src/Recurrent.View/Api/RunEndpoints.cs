using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace Recurrent.View.Api;

/// <summary>
/// <c>GET /api/runs</c>, <c>GET /api/runs/{name}/metrics?after=N</c> (the records from index N on, and <c>next</c> to ask
/// from: the page polls it for live curves) and <c>GET /api/runs/{name}/samples</c>. A run's name may contain '/'.
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
            throw new ViewException(404, $"no such resource '/api/runs/{path}'; expected /api/runs/NAME/metrics or /api/runs/NAME/samples.");
        });
    }
}
