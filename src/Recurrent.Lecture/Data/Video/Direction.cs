namespace Recurrent.Lecture.Data.Video;

/// <summary>A direction of motion on the grid; y grows downwards, as rows of an image do.</summary>
internal enum Direction
{
    Left,
    Right,
    Up,
    Down,
}
