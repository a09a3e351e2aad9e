namespace Recurrent.View.Analysis;

/// <summary>
/// Ranks units by how well their activation tracks a marker over a text: the Pearson correlation
/// <c>r = Σ(a−ā)(m−m̄) / √(Σ(a−ā)² · Σ(m−m̄)²)</c> over the T characters, in double, largest |r| first.
/// </summary>
internal static class UnitSearch
{
    /// <summary>One unit's correlation with the marker.</summary>
    public sealed record Match(int Unit, double R);

    /// <summary>Every unit's r, largest |r| first; a constant unit (or marker) has no r and is left out.</summary>
    /// <param name="values">Activations <c>(T, H)</c>.</param>
    /// <param name="marks">The marker, T values.</param>
    /// <param name="units">H.</param>
    public static List<Match> Rank(ReadOnlySpan<float> values, ReadOnlySpan<double> marks, int units)
    {
        int steps = marks.Length;
        double meanM = 0;
        foreach (double m in marks) meanM += m;
        meanM /= steps;
        double ssM = 0;
        foreach (double m in marks) ssM += (m - meanM) * (m - meanM);
        var matches = new List<Match>();
        if (ssM == 0) return matches;
        for (int u = 0; u < units; u++)
        {
            double meanA = 0;
            for (int t = 0; t < steps; t++) meanA += values[t * units + u];
            meanA /= steps;
            double ssA = 0, cross = 0;
            for (int t = 0; t < steps; t++)
            {
                double a = values[t * units + u] - meanA;
                ssA += a * a;
                cross += a * (marks[t] - meanM);
            }
            if (ssA > 0) matches.Add(new Match(u, cross / Math.Sqrt(ssA * ssM)));
        }
        matches.Sort((x, y) => Math.Abs(y.R).CompareTo(Math.Abs(x.R)));
        return matches;
    }
}
