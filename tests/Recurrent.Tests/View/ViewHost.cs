using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.TestHost;
using Recurrent.View;

namespace Recurrent.Tests.View;

/// <summary>The view's server in process, on a test server (no socket), and a client that reads its JSON answers.</summary>
internal sealed class ViewHost : IAsyncDisposable
{
    private readonly WebApplication _app;

    private ViewHost(WebApplication app, HttpClient client)
    {
        _app = app;
        Client = client;
    }

    public HttpClient Client { get; }

    public static async Task<ViewHost> Start(ViewOptions options)
    {
        var app = ViewServer.Build(options, b => b.WebHost.UseTestServer());
        await app.StartAsync();
        return new ViewHost(app, app.GetTestClient());
    }

    /// <summary>GET <paramref name="path"/>: the status and the JSON body.</summary>
    public async Task<(int Status, JsonElement Json)> Get(string path) => await Read(await Client.GetAsync(path));

    /// <summary>POST <paramref name="body"/> as JSON: the status and the JSON body.</summary>
    public async Task<(int Status, JsonElement Json)> Post(string path, object body) => await Read(await Client.PostAsJsonAsync(path, body));

    /// <summary>POST a raw body.</summary>
    public async Task<(int Status, JsonElement Json)> PostRaw(string path, string body) =>
        await Read(await Client.PostAsync(path, new StringContent(body, System.Text.Encoding.UTF8, "application/json")));

    private static async Task<(int, JsonElement)> Read(HttpResponseMessage response)
    {
        Assert.Equal("application/json", response.Content.Headers.ContentType?.MediaType);
        return ((int)response.StatusCode, await response.Content.ReadFromJsonAsync<JsonElement>());
    }

    public async ValueTask DisposeAsync()
    {
        Client.Dispose();
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}
