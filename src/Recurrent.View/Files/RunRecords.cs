using System.Text.Json.Nodes;
using System.Text.Json.Serialization;

namespace Recurrent.View.Files;

/// <summary>A run as <c>GET /api/runs</c> lists it.</summary>
/// <param name="Name">Its path under the runs folder.</param>
/// <param name="Kind"><c>char-lm</c> (a <c>charlm train</c> run, with <c>run.json</c>) or <c>train</c>.</param>
/// <param name="Updated">When its metrics were last written (UTC).</param>
/// <param name="Options">The saved options (<c>run.json</c>), or null.</param>
/// <param name="OptionsError">Why <c>run.json</c> could not be read, or null.</param>
/// <param name="Models">Its model files (<c>best.safetensors</c>, …).</param>
/// <param name="HasSamples">Whether it wrote samples at its validations.</param>
/// <param name="Directory">The folder (not sent).</param>
internal sealed record RunInfo(string Name, string Kind, DateTime Updated, JsonNode? Options, string? OptionsError,
    IReadOnlyList<string> Models, bool HasSamples, [property: JsonIgnore] string Directory);

/// <summary>The metrics records of a run from an index on, and the index to ask from next.</summary>
internal sealed record RunMetrics(string Run, IReadOnlyList<JsonObject> Records, int Next, int Skipped);

/// <summary>The samples a run wrote at its validations (<c>step</c>, <c>wall_s</c>, <c>val_loss</c>, <c>text</c>).</summary>
internal sealed record RunSamples(string Run, IReadOnlyList<JsonObject> Samples, int Skipped);
