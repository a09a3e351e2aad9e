using System.Text.Json;
using Microsoft.AspNetCore.Http;

namespace Recurrent.View.Api;

/// <summary>
/// Turns every failure of a request into <c>{"error": "…one line…"}</c> with a status the page can show: the view's own
/// errors with theirs (4xx), a malformed or oversized request with 400 or 413, anything else with 500 and its message.
/// </summary>
internal static class ErrorResponses
{
    public static async Task Middleware(HttpContext context, Func<Task> next)
    {
        try
        {
            await next();
        }
        catch (Exception e) when (!context.Response.HasStarted && !context.RequestAborted.IsCancellationRequested)
        {
            var (status, message) = e switch
            {
                ViewException v => (v.Status, v.Message),
                BadHttpRequestException b => (b.StatusCode, $"the request cannot be read: {b.Message}"),
                JsonException j => (400, $"the request body is not the JSON expected: {j.Message}"),
                _ => (500, $"the view failed: {e.GetType().Name}: {e.Message}"),
            };
            await Write(context, status, message);
        }
    }

    /// <summary>Writes <c>{"error": message}</c> (one line) with <paramref name="status"/>.</summary>
    public static Task Write(HttpContext context, int status, string message)
    {
        context.Response.Clear();
        context.Response.StatusCode = status;
        return context.Response.WriteAsJsonAsync(new { error = OneLine(message) });
    }

    private static string OneLine(string message) => message.ReplaceLineEndings(" ").Trim();
}
