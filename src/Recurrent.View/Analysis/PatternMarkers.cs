namespace Recurrent.View.Analysis;

/// <summary>
/// The patterns the unit search can mark on a text (Karpathy, Johnson and Fei-Fei, "Visualizing and Understanding
/// Recurrent Networks", 2015; Strobelt et al., LSTMVis, 2017): one value per character, read as the state after it.
/// </summary>
internal static class PatternMarkers
{
    public static IReadOnlyList<string> Names { get; } = ["inside quotes", "after newline", "inside brackets", "line position"];

    /// <summary>
    /// The marker of <paramref name="pattern"/> at each character: <c>inside quotes</c> 1 from an opening <c>"</c> to
    /// the character before its closing one; <c>after newline</c> 1 at a newline (the state that predicts a line's first
    /// character); <c>inside brackets</c> 1 while a <c>(</c>, <c>[</c> or <c>{</c> is open; <c>line position</c> the
    /// character's column (0 at a line's first).
    /// </summary>
    public static double[] Mark(string pattern, string text)
    {
        var marks = new double[text.Length];
        bool quoted = false;
        int depth = 0, column = 0;
        for (int t = 0; t < text.Length; t++)
        {
            char c = text[t];
            switch (pattern)
            {
                case "inside quotes":
                    if (c == '"') quoted = !quoted;
                    marks[t] = quoted ? 1 : 0;
                    break;
                case "after newline":
                    marks[t] = c == '\n' ? 1 : 0;
                    break;
                case "inside brackets":
                    if (c is '(' or '[' or '{') depth++;
                    else if (c is ')' or ']' or '}' && depth > 0) depth--;
                    marks[t] = depth > 0 ? 1 : 0;
                    break;
                case "line position":
                    marks[t] = column;
                    column = c == '\n' ? 0 : column + 1;
                    break;
                default:
                    throw new ViewException(400, $"pattern '{pattern}' is not one of: {string.Join(", ", Names)} (or pass marks, one per character).");
            }
        }
        return marks;
    }
}
