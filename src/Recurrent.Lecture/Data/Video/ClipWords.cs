namespace Recurrent.Lecture.Data.Video;

/// <summary>
/// Writes the caption of a clip's first frame and the description of the whole clip as token ids of
/// <see cref="MovingShapes.Vocabulary"/>, without allocating; the rules are in <see cref="MovingShapes"/>.
/// </summary>
internal static class ClipWords
{
    private static readonly int[] ColorIds = Ids("red", "green", "blue");
    private static readonly int[] KindIds = Ids("square", "plus", "triangle");
    private static readonly int[] RowIds = Ids("top", "middle", "bottom");
    private static readonly int[] ColumnIds = Ids("left", "center", "right");
    private static readonly int[] DirectionIds = Ids("left", "right", "up", "down");
    private static readonly int Moves = MovingShapes.Vocabulary.IdOf("moves");
    private static readonly int Stays = MovingShapes.Vocabulary.IdOf("stays");
    private static readonly int Then = MovingShapes.Vocabulary.IdOf("then");
    private static readonly int While = MovingShapes.Vocabulary.IdOf("while");
    private static readonly int And = MovingShapes.Vocabulary.IdOf("and");

    /// <summary>"red square top left [and blue plus bottom center]": shapes in reading order of their regions.</summary>
    public static int Caption(in ClipPlan plan, int grid, Span<int> ids)
    {
        int n = 0;
        int actorRegion = MovingShapes.Region(plan.X0, plan.Y0, grid);
        if (!plan.HasDistractor)
        {
            Place(plan.Actor, actorRegion, ids, ref n);
            return n;
        }
        int distractorRegion = MovingShapes.Region(plan.DistractorX, plan.DistractorY, grid);
        bool actorFirst = actorRegion < distractorRegion;
        Place(actorFirst ? plan.Actor : plan.Distractor, actorFirst ? actorRegion : distractorRegion, ids, ref n);
        ids[n++] = And;
        Place(actorFirst ? plan.Distractor : plan.Actor, actorFirst ? distractorRegion : actorRegion, ids, ref n);
        return n;
    }

    /// <summary>
    /// "red square moves right then down [while blue plus stays]": the moving shape first; when nothing moves, both
    /// "stays" clauses in reading order of the shapes' regions.
    /// </summary>
    public static int Description(in ClipPlan plan, int grid, Span<int> ids)
    {
        int n = 0;
        bool actorFirst = plan.Activity != ShapeActivity.Stays || !plan.HasDistractor
            || MovingShapes.Region(plan.X0, plan.Y0, grid) < MovingShapes.Region(plan.DistractorX, plan.DistractorY, grid);
        if (actorFirst) ActorClause(plan, ids, ref n);
        else StaysClause(plan.Distractor, ids, ref n);
        if (!plan.HasDistractor) return n;
        ids[n++] = While;
        if (actorFirst) StaysClause(plan.Distractor, ids, ref n);
        else ActorClause(plan, ids, ref n);
        return n;
    }

    private static void ActorClause(in ClipPlan plan, Span<int> ids, ref int n)
    {
        if (plan.Activity == ShapeActivity.Stays)
        {
            StaysClause(plan.Actor, ids, ref n);
            return;
        }
        Name(plan.Actor, ids, ref n);
        ids[n++] = Moves;
        ids[n++] = DirectionIds[(int)plan.First];
        if (plan.Activity is ShapeActivity.BouncesHorizontally or ShapeActivity.BouncesVertically or ShapeActivity.Turns)
        {
            ids[n++] = Then;
            ids[n++] = DirectionIds[(int)plan.Second];
        }
    }

    private static void StaysClause(ColoredShape shape, Span<int> ids, ref int n)
    {
        Name(shape, ids, ref n);
        ids[n++] = Stays;
    }

    private static void Place(ColoredShape shape, int region, Span<int> ids, ref int n)
    {
        Name(shape, ids, ref n);
        ids[n++] = RowIds[region / 3];
        ids[n++] = ColumnIds[region % 3];
    }

    private static void Name(ColoredShape shape, Span<int> ids, ref int n)
    {
        ids[n++] = ColorIds[(int)shape.Color];
        ids[n++] = KindIds[(int)shape.Kind];
    }

    private static int[] Ids(params string[] words) => [.. words.Select(MovingShapes.Vocabulary.IdOf)];
}
