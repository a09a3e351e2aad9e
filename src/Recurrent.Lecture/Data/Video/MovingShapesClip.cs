using Recurrent.Tensors;

namespace Recurrent.Lecture.Data.Video;

/// <summary>One <see cref="MovingShapes"/> clip with its labels as text, for inspection, examples and tests.</summary>
public sealed class MovingShapesClip
{
    /// <summary>Creates the clip.</summary>
    /// <param name="activity">The activity label.</param>
    /// <param name="actor">The shape that performs it.</param>
    /// <param name="distractor">The static second shape, if any.</param>
    /// <param name="caption">The caption of the first frame.</param>
    /// <param name="description">The description of the clip.</param>
    /// <param name="frames">The frames, (T, F).</param>
    public MovingShapesClip(ShapeActivity activity, ColoredShape actor, ColoredShape? distractor, string caption, string description, Tensor<float> frames)
    {
        Activity = activity;
        Actor = actor;
        Distractor = distractor;
        Caption = caption;
        Description = description;
        Frames = frames;
    }

    /// <summary>The activity label (N-1).</summary>
    public ShapeActivity Activity { get; }

    /// <summary>The shape that performs the activity.</summary>
    public ColoredShape Actor { get; }

    /// <summary>The static second shape, of another colour, or null.</summary>
    public ColoredShape? Distractor { get; }

    /// <summary>The caption of the first frame (1-N), such as <c>"red square top left"</c>.</summary>
    public string Caption { get; }

    /// <summary>The description of the clip (N-M), such as <c>"red square moves right then down"</c>.</summary>
    public string Description { get; }

    /// <summary>The frames, (T, F) with F = 3·G², channel-major.</summary>
    public Tensor<float> Frames { get; }

    /// <inheritdoc/>
    public override string ToString() => $"{Activity}: {Description} | first frame: {Caption}";
}
