namespace Recurrent.View.Api;

/// <summary><c>POST /api/activations</c>: a text, the layer and kind of activation to return, and how many predictions per character.</summary>
internal sealed record ActivationsRequest(string? Model, string? Text, int Layer = 0, string Kind = "h", int Top = 5);

/// <summary><c>POST /api/search</c>: a text and a pattern name or marks (one number per character), the layer and kind searched.</summary>
internal sealed record SearchRequest(string? Model, string? Text, string? Pattern, double[]? Marks, int Layer = 0, string Kind = "h", int Top = 10);

/// <summary><c>POST /api/gradients</c>: the models compared and the text (its last character is the target).</summary>
internal sealed record GradientsRequest(string[]? Models, string? Text);
