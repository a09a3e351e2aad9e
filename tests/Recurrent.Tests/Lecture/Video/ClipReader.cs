using Recurrent.Lecture.Data.Video;
using Recurrent.Tensors;

namespace Recurrent.Tests.Lecture.Video;

/// <summary>
/// Reads a <see cref="MovingShapes"/> clip back from its pixels alone, to check the labels against the frames
/// independently of how the generator made them: each colour channel holds at most one sprite, whose bounding box
/// gives its position and whose pixel count gives its shape.
/// </summary>
public static class ClipReader
{
    public sealed record Sprite(ShapeColor Color, ShapeKind Kind, (int X, int Y)[] Path)
    {
        public bool Moves => Path.Any(p => p != Path[0]);
    }

    public static List<Sprite> Sprites(Tensor<float> frames, int grid)
    {
        int t = frames.Dim(0);
        var sprites = new List<Sprite>();
        for (int c = 0; c < 3; c++)
        {
            var path = new (int, int)[t];
            int pixels = -1;
            for (int f = 0; f < t; f++)
            {
                int minX = grid, minY = grid, maxX = -1, maxY = -1, count = 0;
                for (int y = 0; y < grid; y++)
                {
                    for (int x = 0; x < grid; x++)
                    {
                        if (frames[f, (c * grid + y) * grid + x] < 0.5f) continue;
                        count++;
                        (minX, minY, maxX, maxY) = (Math.Min(minX, x), Math.Min(minY, y), Math.Max(maxX, x), Math.Max(maxY, y));
                    }
                }
                if (count == 0) break;
                Assert.Equal(2, maxX - minX); // one 3 × 3 sprite per channel
                Assert.Equal(2, maxY - minY);
                Assert.True(pixels < 0 || pixels == count, "a sprite keeps its shape");
                pixels = count;
                path[f] = (minX, minY);
            }
            if (pixels < 0) continue;
            ShapeKind kind = pixels switch { 9 => ShapeKind.Square, 5 => ShapeKind.Plus, 6 => ShapeKind.Triangle, _ => throw new InvalidOperationException($"{pixels} pixels") };
            sprites.Add(new Sprite((ShapeColor)c, kind, path));
        }
        return sprites;
    }

    public static string Region((int X, int Y) p, int grid, out int index)
    {
        // A sprite's centre is its corner + 1; thirds of the grid by the centre.
        int col = (p.X + 1) * 3 / grid, row = (p.Y + 1) * 3 / grid;
        index = row * 3 + col;
        return $"{new[] { "top", "middle", "bottom" }[row]} {new[] { "left", "center", "right" }[col]}";
    }

    public static string Name(Sprite s) => $"{s.Color.ToString().ToLowerInvariant()} {s.Kind.ToString().ToLowerInvariant()}";

    public static (ShapeActivity Activity, string Clause) Motion(Sprite s, int grid)
    {
        if (!s.Moves) return (ShapeActivity.Stays, $"{Name(s)} stays");
        var steps = new List<string>();
        for (int f = 1; f < s.Path.Length; f++)
        {
            (int dx, int dy) = (s.Path[f].X - s.Path[f - 1].X, s.Path[f].Y - s.Path[f - 1].Y);
            Assert.Equal(1, Math.Abs(dx) + Math.Abs(dy)); // one pixel per frame, never still
            string step = dx == 1 ? "right" : dx == -1 ? "left" : dy == 1 ? "down" : "up";
            if (steps.Count == 0 || steps[^1] != step) steps.Add(step);
        }
        if (steps.Count == 1)
        {
            var activity = steps[0] switch
            {
                "left" => ShapeActivity.MovesLeft, "right" => ShapeActivity.MovesRight,
                "up" => ShapeActivity.MovesUp, _ => ShapeActivity.MovesDown,
            };
            return (activity, $"{Name(s)} moves {steps[0]}");
        }
        Assert.Equal(2, steps.Count);
        string clause = $"{Name(s)} moves {steps[0]} then {steps[1]}";
        bool horizontal(string d) => d is "left" or "right";
        if (horizontal(steps[0]) != horizontal(steps[1])) return (ShapeActivity.Turns, clause);
        // A reversal happens against the edge of the grid.
        int max = grid - 3;
        Assert.Contains(s.Path, p => horizontal(steps[0]) ? p.X is 0 || p.X == max : p.Y is 0 || p.Y == max);
        return (horizontal(steps[0]) ? ShapeActivity.BouncesHorizontally : ShapeActivity.BouncesVertically, clause);
    }
}
