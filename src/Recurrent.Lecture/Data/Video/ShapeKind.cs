namespace Recurrent.Lecture.Data.Video;

/// <summary>The shapes of <see cref="MovingShapes"/>, each a 3 × 3 sprite.</summary>
public enum ShapeKind
{
    /// <summary>All 9 pixels: <c>###/###/###</c>.</summary>
    Square,

    /// <summary>The middle row and column, 5 pixels: <c>.#./###/.#.</c>.</summary>
    Plus,

    /// <summary>A right triangle, 6 pixels: <c>#../##./###</c>.</summary>
    Triangle,
}
