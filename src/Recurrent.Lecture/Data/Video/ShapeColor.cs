namespace Recurrent.Lecture.Data.Video;

/// <summary>The colours of <see cref="MovingShapes"/>; a shape lights only its colour's channel of a frame.</summary>
public enum ShapeColor
{
    /// <summary>Channel 0.</summary>
    Red,

    /// <summary>Channel 1.</summary>
    Green,

    /// <summary>Channel 2.</summary>
    Blue,
}
