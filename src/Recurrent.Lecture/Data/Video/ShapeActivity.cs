namespace Recurrent.Lecture.Data.Video;

/// <summary>
/// What the moving shape of a <see cref="MovingShapes"/> clip does: the many-to-one (N-1) label, standing in for the
/// activity classes of Donahue et al.'s LRCN (2016). The values are the class ids.
/// </summary>
public enum ShapeActivity
{
    /// <summary>No shape moves.</summary>
    Stays,

    /// <summary>Moves one pixel left per frame throughout the clip.</summary>
    MovesLeft,

    /// <summary>Moves one pixel right per frame throughout the clip.</summary>
    MovesRight,

    /// <summary>Moves one pixel up per frame throughout the clip.</summary>
    MovesUp,

    /// <summary>Moves one pixel down per frame throughout the clip.</summary>
    MovesDown,

    /// <summary>Moves left or right, touches the grid's edge, and comes back.</summary>
    BouncesHorizontally,

    /// <summary>Moves up or down, touches the grid's edge, and comes back.</summary>
    BouncesVertically,

    /// <summary>Moves in one direction, then turns 90° and moves in a perpendicular one.</summary>
    Turns,
}
