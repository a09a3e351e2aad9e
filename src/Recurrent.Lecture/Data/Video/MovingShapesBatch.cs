using Recurrent.Tensors;

using Recurrent.Data;

namespace Recurrent.Lecture.Data.Video;

/// <summary>
/// Reusable buffers for a batch of <see cref="MovingShapes"/> clips and their three targets: the activity (N-1), the
/// caption of the first frame (1-N) and the description of the clip (N-M). Made by <see cref="MovingShapes.CreateBatch"/>.
/// </summary>
public sealed class MovingShapesBatch
{
    internal MovingShapesBatch(int batchSize, int frames, int frameSize)
    {
        BatchSize = batchSize;
        Frames = new Tensor<float>(batchSize, frames, frameSize);
        Activities = new int[batchSize];
        Captions = new DecoderSequences(batchSize, MovingShapes.MaxCaptionWords);
        Descriptions = new DecoderSequences(batchSize, MovingShapes.MaxDescriptionWords);
    }

    /// <summary>B, clips per batch.</summary>
    public int BatchSize { get; }

    /// <summary>The clips, (B, T, F) with F = 3·G² (channel-major frames; see <see cref="MovingShapes"/>).</summary>
    public Tensor<float> Frames { get; }

    /// <summary>The activity class of each clip, a <see cref="ShapeActivity"/> value, (B).</summary>
    public int[] Activities { get; }

    /// <summary>The caption of each clip's first frame, as decoder inputs and targets of ids of <see cref="MovingShapes.Vocabulary"/>, (B, 10).</summary>
    public DecoderSequences Captions { get; }

    /// <summary>The description of each clip, as decoder inputs and targets of ids of <see cref="MovingShapes.Vocabulary"/>, (B, 11).</summary>
    public DecoderSequences Descriptions { get; }
}
