using Recurrent.Tensors;

namespace Recurrent.Lecture.Data.Video;

/// <summary>
/// Everything drawn at random for one <see cref="MovingShapes"/> clip: the actor, its activity and path, and the
/// optional static distractor. Frames, label, caption and description are all functions of the plan.
/// </summary>
internal struct ClipPlan
{
    public ColoredShape Actor;
    public ShapeActivity Activity;
    public int X0, Y0;                 // the actor's top-left corner in frame 0
    public Direction First, Second;    // directions before and after the turn (Second unused for straight moves)
    public int Turn;                   // k: the frame at which the actor changes direction
    public bool HasDistractor;
    public ColoredShape Distractor;
    public int DistractorX, DistractorY;

    /// <summary>The actor's top-left corner in frame <paramref name="t"/>.</summary>
    public readonly (int X, int Y) ActorAt(int t)
    {
        if (Activity == ShapeActivity.Stays) return (X0, Y0);
        bool straight = Activity is ShapeActivity.MovesLeft or ShapeActivity.MovesRight or ShapeActivity.MovesUp or ShapeActivity.MovesDown;
        if (straight || t <= Turn) return Step((X0, Y0), First, t);
        return Step(Step((X0, Y0), First, Turn), Second, t - Turn);
    }

    /// <summary>
    /// Draws a plan: activity uniform over the 8 classes, then its parameters, then a start that keeps the whole path
    /// inside the grid, uniform over all such starts; then, with probability p, a distractor (see <see cref="MovingShapes"/>).
    /// </summary>
    public static ClipPlan Draw(Rng rng, int grid, int frames, double distractorProbability)
    {
        int max = grid - MovingShapes.ShapeSize; // largest top-left coordinate
        int last = frames - 1;
        var plan = new ClipPlan
        {
            Actor = new ColoredShape((ShapeColor)rng.Next(3), (ShapeKind)rng.Next(3)),
            Activity = (ShapeActivity)rng.Next(MovingShapes.ActivityCount),
        };
        switch (plan.Activity)
        {
            case ShapeActivity.Stays:
                plan.X0 = rng.Next(max + 1);
                plan.Y0 = rng.Next(max + 1);
                break;
            case ShapeActivity.MovesLeft:
            case ShapeActivity.MovesRight:
            case ShapeActivity.MovesUp:
            case ShapeActivity.MovesDown:
                plan.First = (Direction)(plan.Activity - ShapeActivity.MovesLeft);
                plan.Turn = last;
                (plan.X0, plan.Y0) = Start(rng, max, plan.First, last, Perpendicular(plan.First, 0), 0);
                break;
            case ShapeActivity.BouncesHorizontally:
            case ShapeActivity.BouncesVertically:
            {
                bool horizontal = plan.Activity == ShapeActivity.BouncesHorizontally;
                plan.First = (Direction)((horizontal ? 0 : 2) + rng.Next(2));
                plan.Second = Opposite(plan.First);
                plan.Turn = rng.Next(2, last - 1);           // k ∈ [2, T − 3]: at least 2 moves each way
                int along = plan.First is Direction.Right or Direction.Down ? max - plan.Turn : plan.Turn; // at the edge in frame k
                int across = rng.Next(max + 1);
                (plan.X0, plan.Y0) = horizontal ? (along, across) : (across, along);
                break;
            }
            case ShapeActivity.Turns:
                plan.First = (Direction)rng.Next(4);
                plan.Second = Perpendicular(plan.First, rng.Next(2));
                plan.Turn = rng.Next(2, last - 1);
                (plan.X0, plan.Y0) = Start(rng, max, plan.First, plan.Turn, plan.Second, last - plan.Turn);
                break;
        }
        if (rng.NextDouble() < distractorProbability) plan.PlaceDistractor(rng, grid);
        return plan;
    }

    private void PlaceDistractor(Rng rng, int grid)
    {
        int max = grid - MovingShapes.ShapeSize;
        var color = (ShapeColor)(((int)Actor.Color + 1 + rng.Next(2)) % 3);
        Distractor = new ColoredShape(color, (ShapeKind)rng.Next(3));
        HasDistractor = true;
        int actorRegion = MovingShapes.Region(X0, Y0, grid);
        do
        {
            DistractorX = rng.Next(max + 1);
            DistractorY = rng.Next(max + 1);
        }
        while (MovingShapes.Region(DistractorX, DistractorY, grid) == actorRegion
               || (Math.Abs(DistractorX - X0) < MovingShapes.ShapeSize && Math.Abs(DistractorY - Y0) < MovingShapes.ShapeSize));
    }

    /// <summary>A uniform start for a path that moves <paramref name="firstMoves"/> pixels one way, then <paramref name="secondMoves"/> a perpendicular way.</summary>
    private static (int X, int Y) Start(Rng rng, int max, Direction first, int firstMoves, Direction second, int secondMoves)
    {
        int along = StartOnAxis(rng, max, first, firstMoves);
        int across = StartOnAxis(rng, max, second, secondMoves);
        return first is Direction.Left or Direction.Right ? (along, across) : (across, along);
    }

    private static int StartOnAxis(Rng rng, int max, Direction direction, int moves) =>
        direction is Direction.Right or Direction.Down ? rng.Next(max - moves + 1) : moves + rng.Next(max - moves + 1);

    private static (int X, int Y) Step((int X, int Y) p, Direction d, int n) => d switch
    {
        Direction.Left => (p.X - n, p.Y),
        Direction.Right => (p.X + n, p.Y),
        Direction.Up => (p.X, p.Y - n),
        _ => (p.X, p.Y + n),
    };

    private static Direction Opposite(Direction d) => d switch
    {
        Direction.Left => Direction.Right,
        Direction.Right => Direction.Left,
        Direction.Up => Direction.Down,
        _ => Direction.Up,
    };

    /// <summary>One of the two directions perpendicular to <paramref name="d"/>: <paramref name="which"/> 0 or 1.</summary>
    private static Direction Perpendicular(Direction d, int which) =>
        d is Direction.Left or Direction.Right ? (which == 0 ? Direction.Up : Direction.Down) : (which == 0 ? Direction.Left : Direction.Right);
}
