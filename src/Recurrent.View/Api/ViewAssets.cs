using System.Reflection;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace Recurrent.View.Api;

/// <summary>
/// The page: <c>/</c> is <c>index.html</c> and <c>/app/FILE</c> its scripts and style, all read from resources embedded in
/// this assembly (wwwroot/), so the view needs no files beside it and no network. Unknown <c>/api/…</c> paths get a JSON 404.
/// </summary>
internal static class ViewAssets
{
    private const string Prefix = "Recurrent.View.wwwroot/";

    private static readonly Assembly Assembly = typeof(ViewAssets).Assembly;

    public static void Map(IEndpointRouteBuilder app)
    {
        app.MapGet("/", () => Asset("index.html"));
        app.MapGet("/app/{file}", (string file) => Asset(file));
        app.Map("/api/{**rest}", (string? rest) => ErrorResult(404, $"no API '/api/{rest}'; docs/VIEW.md lists them."));
    }

    private static IResult Asset(string file)
    {
        var stream = Assembly.GetManifestResourceStream(Prefix + file);
        if (stream is null) return ErrorResult(404, $"no file '{file}' in the page.");
        string type = Path.GetExtension(file) switch
        {
            ".html" => "text/html; charset=utf-8",
            ".js" => "text/javascript; charset=utf-8",
            ".css" => "text/css; charset=utf-8",
            ".svg" => "image/svg+xml",
            _ => "application/octet-stream",
        };
        return Results.Stream(stream, type);
    }

    private static IResult ErrorResult(int status, string message) => Results.Json(new { error = message }, statusCode: status);
}
