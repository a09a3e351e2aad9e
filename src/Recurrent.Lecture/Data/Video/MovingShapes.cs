using System.Globalization;
using Recurrent.Tensors;

using Recurrent.Data;

namespace Recurrent.Lecture.Data.Video;

/// <summary>
/// A tiny synthetic video dataset for the lecture's three tasks on images and video, after Donahue et al.,
/// "Long-term recurrent convolutional networks for visual recognition and description" (LRCN, 2016): activity
/// recognition (N-1: frames → <see cref="ShapeActivity"/>), image captioning (1-N: first frame → caption) and video
/// description (N-M: frames → sentence). Clips of coloured shapes moving on a small grid stand in for real video, in
/// the spirit of the moving-MNIST and bouncing-balls datasets, so the three models train in minutes on a CPU.
/// </summary>
/// <remarks>
/// <para>
/// <b>Frames.</b> A clip is T frames (<see cref="MovingShapesOptions.Frames"/>, default 10) of a G × G grid
/// (<see cref="MovingShapesOptions.GridSize"/>, default 16) with one channel per colour, flattened channel-major:
/// pixel (x, y) of channel c is element <c>(c·G + y)·G + x</c> of a frame of F = 3·G² values. A shape is a 3 × 3
/// sprite (<see cref="ShapeKind"/>) that sets its colour's channel to 1; channels do not mix. Optional noise adds
/// U[0, noise) to every value.
/// </para>
/// <para>
/// <b>Generative rules.</b> Each clip has an <i>actor</i>: colour and shape uniform, activity uniform over the 8
/// classes (so labels are balanced), moving one pixel per frame:
/// <list type="bullet">
/// <item><description>stays: a fixed position;</description></item>
/// <item><description>moves left/right/up/down: T − 1 steps in one direction;</description></item>
/// <item><description>bounces horizontally/vertically: k steps towards an edge, touching it at frame k ~ U{2, …, T − 3}, then back;</description></item>
/// <item><description>turns: k ~ U{2, …, T − 3} steps in one direction, then the remaining T − 1 − k in one of the two perpendicular ones.</description></item>
/// </list>
/// The start is uniform over the positions that keep the whole path inside the grid. With probability
/// <see cref="MovingShapesOptions.DistractorProbability"/> (default 0.5) a static <i>distractor</i> of another colour
/// and any shape is added, in another region of the first frame than the actor and not touching it there.
/// </para>
/// <para>
/// <b>Words.</b> The grid is cut into 3 × 3 regions by the centre of a sprite: rows top/middle/bottom, columns
/// left/center/right. The caption names the first frame's shapes in reading order of their regions:
/// <c>"red square top left"</c> or <c>"blue plus top center and red square bottom right"</c> (at most 9 words).
/// The description names the moving shape first: <c>"green triangle moves right then down while red plus stays"</c>
/// (a bounce is <c>"moves left then right"</c>); when nothing moves, both <c>"… stays"</c> clauses come in reading
/// order (at most 10 words). Both are functions of the frames, so all three tasks are learnable exactly.
/// </para>
/// <para>
/// <b>Why not trivial.</b> No single frame tells the activity (every class starts anywhere); "moves right" and
/// "bounces horizontally", or "moves up" and "turns", share their first frames and differ later; the distractor
/// must be ignored for the label but named in the sentences, and it swaps the caption's word order depending on where
/// it is. A model must integrate over time and attend to colour, shape and position together.
/// </para>
/// </remarks>
public sealed class MovingShapes
{
    /// <summary>Channels per frame, one per <see cref="ShapeColor"/>.</summary>
    public const int Channels = 3;

    /// <summary>The side of a sprite in pixels.</summary>
    public const int ShapeSize = 3;

    /// <summary>The number of activity classes.</summary>
    public const int ActivityCount = 8;

    /// <summary>The longest caption, in words.</summary>
    public const int MaxCaptionWords = 9;

    /// <summary>The longest description, in words.</summary>
    public const int MaxDescriptionWords = 10;

    private static readonly bool[][] Sprites =
    [
        [true, true, true, true, true, true, true, true, true],        // square
        [false, true, false, true, true, true, false, true, false],    // plus
        [true, false, false, true, true, false, true, true, true],     // triangle
    ];

    /// <summary>Creates the generator.</summary>
    /// <param name="options">Grid size, frames, distractor probability and noise; null for the defaults.</param>
    public MovingShapes(MovingShapesOptions? options = null)
    {
        options ??= new MovingShapesOptions();
        if (options.GridSize is < 8 or > 64)
        {
            throw new ArgumentException($"GridSize is {options.GridSize}; expected 8 to 64.", nameof(options));
        }
        if (options.Frames < 6 || options.Frames > options.GridSize - 2)
        {
            throw new ArgumentException(
                $"Frames is {options.Frames}; expected 6 to GridSize − 2 = {options.GridSize - 2}, so that every motion fits the grid.", nameof(options));
        }
        if (!(options.DistractorProbability is >= 0 and <= 1))
        {
            throw new ArgumentException(string.Create(CultureInfo.InvariantCulture,
                $"DistractorProbability is {options.DistractorProbability}; expected a probability in [0, 1]."), nameof(options));
        }
        if (!(options.Noise >= 0 && double.IsFinite(options.Noise)))
        {
            throw new ArgumentException(string.Create(CultureInfo.InvariantCulture,
                $"Noise is {options.Noise}; expected a finite amplitude ≥ 0."), nameof(options));
        }
        Options = options;
    }

    /// <summary>The words of captions and descriptions, after the special tokens.</summary>
    public static TokenVocabulary Vocabulary { get; } = new(
    [
        "red", "green", "blue", "square", "plus", "triangle", "top", "middle", "bottom", "left", "center", "right",
        "up", "down", "moves", "stays", "then", "while", "and",
    ]);

    /// <summary>The options the clips are drawn with.</summary>
    public MovingShapesOptions Options { get; }

    /// <summary>G, the side of the grid.</summary>
    public int GridSize => Options.GridSize;

    /// <summary>T, frames per clip.</summary>
    public int Frames => Options.Frames;

    /// <summary>F = 3·G², values per frame.</summary>
    public int FrameSize => Channels * GridSize * GridSize;

    /// <summary>Buffers for batches of <paramref name="batchSize"/> clips of this generator.</summary>
    /// <param name="batchSize">B.</param>
    /// <returns>Zero-filled buffers, to pass to <see cref="Fill"/> again and again.</returns>
    public MovingShapesBatch CreateBatch(int batchSize)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(batchSize);
        return new MovingShapesBatch(batchSize, Frames, FrameSize);
    }

    /// <summary>Fills <paramref name="batch"/> with B fresh clips drawn from <paramref name="rng"/>, without allocating.</summary>
    /// <param name="rng">The random source; the same state gives the same clips.</param>
    /// <param name="batch">Buffers from <see cref="CreateBatch"/>.</param>
    public void Fill(Rng rng, MovingShapesBatch batch)
    {
        ArgumentNullException.ThrowIfNull(rng);
        ArgumentNullException.ThrowIfNull(batch);
        if (!batch.Frames.HasShape([batch.BatchSize, Frames, FrameSize]))
        {
            throw new ArgumentException(
                $"batch holds frames of shape {Tensor<float>.ShapeText(batch.Frames.Shape)}; this generator makes (B, {Frames}, {FrameSize}).", nameof(batch));
        }
        Span<int> words = stackalloc int[MaxDescriptionWords];
        int clipSize = Frames * FrameSize;
        for (int b = 0; b < batch.BatchSize; b++)
        {
            ClipPlan plan = Draw(rng, batch.Frames.Span.Slice(b * clipSize, clipSize));
            batch.Activities[b] = (int)plan.Activity;
            batch.Captions.SetRow(b, words[..ClipWords.Caption(plan, GridSize, words)]);
            batch.Descriptions.SetRow(b, words[..ClipWords.Description(plan, GridSize, words)]);
        }
    }

    /// <summary>One clip with its labels as text, for inspection and examples; the same as row 0 of a <see cref="Fill"/> from the same state.</summary>
    /// <param name="rng">The random source.</param>
    /// <returns>The clip.</returns>
    public MovingShapesClip Sample(Rng rng)
    {
        ArgumentNullException.ThrowIfNull(rng);
        var frames = new Tensor<float>(Frames, FrameSize);
        ClipPlan plan = Draw(rng, frames.Span);
        Span<int> words = stackalloc int[MaxDescriptionWords];
        string caption = Vocabulary.Decode(words[..ClipWords.Caption(plan, GridSize, words)]);
        string description = Vocabulary.Decode(words[..ClipWords.Description(plan, GridSize, words)]);
        return new MovingShapesClip(plan.Activity, plan.Actor, plan.HasDistractor ? plan.Distractor : null, caption, description, frames);
    }

    /// <summary>The region (row · 3 + column, in reading order) of a sprite whose top-left corner is (x, y).</summary>
    /// <param name="x">Column of the corner.</param>
    /// <param name="y">Row of the corner.</param>
    /// <param name="grid">G.</param>
    /// <returns>0 (top left) … 8 (bottom right).</returns>
    internal static int Region(int x, int y, int grid)
    {
        int column = (x + ShapeSize / 2) * 3 / grid;
        int row = (y + ShapeSize / 2) * 3 / grid;
        return row * 3 + column;
    }

    private ClipPlan Draw(Rng rng, Span<float> clip)
    {
        ClipPlan plan = ClipPlan.Draw(rng, GridSize, Frames, Options.DistractorProbability);
        clip.Clear();
        for (int t = 0; t < Frames; t++)
        {
            Span<float> frame = clip.Slice(t * FrameSize, FrameSize);
            if (plan.HasDistractor) Paint(frame, plan.Distractor, plan.DistractorX, plan.DistractorY);
            (int x, int y) = plan.ActorAt(t);
            Paint(frame, plan.Actor, x, y);
        }
        if (Options.Noise > 0)
        {
            for (int i = 0; i < clip.Length; i++) clip[i] += (float)(Options.Noise * rng.NextDouble());
        }
        return plan;
    }

    private void Paint(Span<float> frame, ColoredShape shape, int x, int y)
    {
        bool[] sprite = Sprites[(int)shape.Kind];
        Span<float> channel = frame.Slice((int)shape.Color * GridSize * GridSize, GridSize * GridSize);
        for (int dy = 0; dy < ShapeSize; dy++)
        {
            for (int dx = 0; dx < ShapeSize; dx++)
            {
                if (sprite[dy * ShapeSize + dx]) channel[(y + dy) * GridSize + x + dx] = 1f;
            }
        }
    }
}
