namespace Recurrent.Lecture.Data.Video;

/// <summary>A sprite of a <see cref="MovingShapes"/> clip: its colour and its shape, named <c>"red square"</c>.</summary>
/// <param name="Color">The colour, which is also the frame channel it lights.</param>
/// <param name="Kind">The shape.</param>
public readonly record struct ColoredShape(ShapeColor Color, ShapeKind Kind)
{
    /// <inheritdoc/>
    public override string ToString() => $"{Color.ToString().ToLowerInvariant()} {Kind.ToString().ToLowerInvariant()}";
}
