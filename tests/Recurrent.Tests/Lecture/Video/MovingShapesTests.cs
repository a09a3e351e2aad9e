using Recurrent.Data;
using Recurrent.Lecture.Data.Video;
using Recurrent.Tensors;

namespace Recurrent.Tests.Lecture.Video;

public class MovingShapesTests
{
    [Theory]
    [InlineData(16, 10)]
    [InlineData(12, 8)]
    [InlineData(16, 14)]
    public void LabelsCaptionsAndDescriptionsAgreeWithThePixels(int grid, int frames)
    {
        var shapes = new MovingShapes(new MovingShapesOptions { GridSize = grid, Frames = frames });
        var rng = new Rng(31);
        for (int i = 0; i < 400; i++)
        {
            MovingShapesClip clip = shapes.Sample(rng);
            Assert.Equal([frames, 3 * grid * grid], clip.Frames.Shape.ToArray());
            List<ClipReader.Sprite> sprites = ClipReader.Sprites(clip.Frames, grid);
            Assert.Equal(clip.Distractor is null ? 1 : 2, sprites.Count);
            Assert.True(sprites.Count(s => s.Moves) <= 1, "only the actor moves");

            ClipReader.Sprite actor = sprites.Single(s => s.Color == clip.Actor.Color);
            Assert.Equal(clip.Actor.Kind, actor.Kind);
            (ShapeActivity activity, string actorClause) = ClipReader.Motion(actor, grid);
            Assert.Equal(clip.Activity, activity);

            // Caption: the first frame's sprites in reading order of their regions, which differ.
            var placed = sprites
                .Select(s => (Text: $"{ClipReader.Name(s)} {ClipReader.Region(s.Path[0], grid, out int region)}", Region: region))
                .OrderBy(p => p.Region).ToList();
            Assert.Equal(placed.Count, placed.Select(p => p.Region).Distinct().Count());
            Assert.Equal(string.Join(" and ", placed.Select(p => p.Text)), clip.Caption);

            // Description: the moving sprite first, else reading order.
            var clauses = sprites
                .Select(s => (Clause: s == actor ? actorClause : $"{ClipReader.Name(s)} stays", Moves: s.Moves, Region: Index(s.Path[0], grid)))
                .OrderByDescending(c => c.Moves).ThenBy(c => c.Region);
            Assert.Equal(string.Join(" while ", clauses.Select(c => c.Clause)), clip.Description);
        }
    }

    [Fact]
    public void ActivitiesAreBalancedAndEveryWordIsUsed()
    {
        var shapes = new MovingShapes();
        MovingShapesBatch batch = shapes.CreateBatch(4000);
        shapes.Fill(new Rng(5), batch);
        var counts = new int[MovingShapes.ActivityCount];
        foreach (int a in batch.Activities) counts[a]++;
        Assert.All(counts, c => Assert.InRange(c, 430, 570)); // 500 expected, σ ≈ 21
        var used = new HashSet<int>(batch.Captions.Targets.Concat(batch.Descriptions.Targets));
        Assert.Equal(Enumerable.Range(0, MovingShapes.Vocabulary.Count).Where(id => id != TokenVocabulary.StartId), used.Order());
        Assert.Equal(MovingShapes.MaxCaptionWords + 1, batch.Captions.Lengths.Max());
        Assert.Equal(MovingShapes.MaxDescriptionWords + 1, batch.Descriptions.Lengths.Max());
        double withDistractor = batch.Captions.Lengths.Count(n => n == MovingShapes.MaxCaptionWords + 1) / 4000.0;
        Assert.InRange(withDistractor, 0.47, 0.53);
    }

    [Fact]
    public void TheSameSeedGivesTheSameClipsAndSampleMatchesFill()
    {
        var shapes = new MovingShapes();
        MovingShapesBatch a = shapes.CreateBatch(6), b = shapes.CreateBatch(6);
        shapes.Fill(new Rng(12), a);
        shapes.Fill(new Rng(12), b);
        Assert.Equal(a.Frames.ToArray(), b.Frames.ToArray());
        Assert.Equal(a.Activities, b.Activities);
        Assert.Equal(a.Descriptions.Targets, b.Descriptions.Targets);
        MovingShapesClip first = shapes.Sample(new Rng(12));
        Assert.Equal(a.Frames.Rows(0, 1).ToArray(), first.Frames.ToArray());
        Assert.Equal((int)first.Activity, a.Activities[0]);
        Assert.Equal(first.Caption, MovingShapes.Vocabulary.Decode(a.Captions.TargetRow(0)));
        Assert.Equal(first.Description, MovingShapes.Vocabulary.Decode(a.Descriptions.TargetRow(0)));
        shapes.Fill(new Rng(13), b);
        Assert.NotEqual(a.Frames.ToArray(), b.Frames.ToArray());
    }

    [Fact]
    public void NoiseIsAddedToEveryPixelWithoutChangingTheClip()
    {
        var clean = new MovingShapes().Sample(new Rng(4));
        var noisy = new MovingShapes(new MovingShapesOptions { Noise = 0.2 }).Sample(new Rng(4));
        Assert.Equal(clean.Description, noisy.Description);
        float[] c = clean.Frames.ToArray(), n = noisy.Frames.ToArray();
        for (int i = 0; i < c.Length; i++) Assert.InRange(n[i] - c[i], 0f, 0.2f);
        Assert.True(n.Zip(c).Count(p => p.First != p.Second) > c.Length * 0.99);
    }

    [Fact]
    public void FillAllocatesNothingOnceWarm()
    {
        var shapes = new MovingShapes(new MovingShapesOptions { Noise = 0.1 });
        MovingShapesBatch batch = shapes.CreateBatch(16);
        var rng = new Rng(1);
        shapes.Fill(rng, batch);
        long before = GC.GetAllocatedBytesForCurrentThread();
        for (int i = 0; i < 10; i++) shapes.Fill(rng, batch);
        Assert.Equal(0, GC.GetAllocatedBytesForCurrentThread() - before);
    }

    [Fact]
    public void OptionsThatCannotFitAMotionAreRejected()
    {
        var e = Assert.Throws<ArgumentException>(() => new MovingShapes(new MovingShapesOptions { GridSize = 12, Frames = 11 }));
        Assert.Contains("Frames is 11; expected 6 to GridSize − 2 = 10", e.Message);
        Assert.Throws<ArgumentException>(() => new MovingShapes(new MovingShapesOptions { DistractorProbability = 1.5 }));
        var other = new MovingShapes(new MovingShapesOptions { Frames = 8 }).CreateBatch(2);
        Assert.Throws<ArgumentException>(() => new MovingShapes().Fill(new Rng(1), other));
    }

    private static int Index((int X, int Y) p, int grid)
    {
        ClipReader.Region(p, grid, out int index);
        return index;
    }
}
