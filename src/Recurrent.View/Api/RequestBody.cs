using System.Text.Json;
using Microsoft.AspNetCore.Http;

namespace Recurrent.View.Api;

/// <summary>Reads a request's JSON body, failing with a 400 that names what is wrong instead of an empty answer.</summary>
internal static class RequestBody
{
    public static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    public static async Task<T> Read<T>(HttpRequest request) where T : class
    {
        T? body;
        try
        {
            body = await JsonSerializer.DeserializeAsync<T>(request.Body, Json, request.HttpContext.RequestAborted);
        }
        catch (JsonException e)
        {
            throw new ViewException(400, $"the request body is not the JSON expected ({e.Message}).", e);
        }
        return body ?? throw new ViewException(400, "the request body is empty; expected a JSON object.");
    }
}
