using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Recurrent.View.Api;

namespace Recurrent.View;

/// <summary>
/// The local web view of Recurrent (<c>recurrent view</c>): a page with three views (training runs with live loss curves
/// and samples; the units, cell states and gates of a char-LM over a text, with a search for the units that track a
/// pattern; the gradient flow ‖∂L/∂h[t]‖ against distance) and the small JSON API it draws from (docs/VIEW.md).
/// </summary>
/// <remarks>
/// Kestrel listens on 127.0.0.1 only: the view reads files of the machine and is for its user alone. The page is served
/// from resources embedded in this assembly, without any CDN. A missing or damaged run or model file is answered with
/// a 4xx and <c>{"error": "…"}</c>, which the page shows; texts longer than <see cref="ViewOptions.MaxInputChars"/> are cut
/// with a message. Activations come from <see cref="Layers.RecurrentLayer{T}.Step(ReadOnlySpan{T}, Layers.RecurrentState{T}, Span{T}, Span{T})"/>,
/// the streaming step that <see cref="Models.CharSampler"/> samples with, so the page shows what the model computes.
/// </remarks>
public static class ViewServer
{
    /// <summary>The most bytes a request body may have (a text of <see cref="ViewOptions.MaxInputChars"/> and its marks fit well within).</summary>
    private const long MaxRequestBytes = 4 << 20;

    /// <summary>Builds the server (not yet started): call <c>RunAsync</c>, or <c>StartAsync</c> and read <c>Urls</c>.</summary>
    /// <param name="options">Runs folder, model file, port, input cap.</param>
    /// <param name="configure">Changes to the builder before it builds, for hosts such as tests (a test server); null for none.</param>
    /// <returns>The application.</returns>
    public static WebApplication Build(ViewOptions options, Action<WebApplicationBuilder>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions { ContentRootPath = AppContext.BaseDirectory });
        builder.Logging.ClearProviders();
        builder.WebHost.ConfigureKestrel(kestrel =>
        {
            kestrel.Listen(IPAddress.Loopback, options.Port);
            kestrel.Limits.MaxRequestBodySize = MaxRequestBytes;
        });
        builder.Services.AddSingleton(new ViewState(options));
        configure?.Invoke(builder);
        var app = builder.Build();
        app.Use(ErrorResponses.Middleware);
        RunEndpoints.Map(app);
        ModelEndpoints.Map(app);
        ViewAssets.Map(app);
        return app;
    }
}
