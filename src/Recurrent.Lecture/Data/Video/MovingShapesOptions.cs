namespace Recurrent.Lecture.Data.Video;

/// <summary>The size and difficulty of the <see cref="MovingShapes"/> clips.</summary>
public sealed record MovingShapesOptions
{
    /// <summary>G, the side of the square grid in pixels; 8 to 64. Default 16.</summary>
    public int GridSize { get; init; } = 16;

    /// <summary>T, frames per clip; 6 to G − 2 (a straight move crosses T − 1 pixels). Default 10.</summary>
    public int Frames { get; init; } = 10;

    /// <summary>The probability that a clip has a second, static shape of another colour. Default 0.5.</summary>
    public double DistractorProbability { get; init; } = 0.5;

    /// <summary>Amplitude of pixel noise: every value of every frame gets U[0, Noise) added. Default 0 (clean frames).</summary>
    public double Noise { get; init; }
}
