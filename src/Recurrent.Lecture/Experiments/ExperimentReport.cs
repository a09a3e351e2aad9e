namespace Recurrent.Lecture.Experiments;

/// <summary>What an experiment measured: tables, plots, a flat summary for JSON, notes and examples.</summary>
public sealed class ExperimentReport
{
    /// <summary>Creates an empty report.</summary>
    /// <param name="name">The experiment's name (<c>long-term</c>, …).</param>
    public ExperimentReport(string name) => Name = name;

    /// <summary>The experiment's name.</summary>
    public string Name { get; }

    /// <summary>The result tables, in order.</summary>
    public List<ResultTable> Tables { get; } = [];

    /// <summary>The plots to render.</summary>
    public List<PlotSpec> Plots { get; } = [];

    /// <summary>Key figures, in order, for the JSON summary line (numbers, strings, booleans).</summary>
    public List<(string Key, object Value)> Summary { get; } = [];

    /// <summary>Observations printed after the tables (what the numbers show, what fell short).</summary>
    public List<string> Notes { get; } = [];

    /// <summary>Example outputs beside the truth.</summary>
    public List<string> Examples { get; } = [];

    /// <summary>Wall-clock seconds the experiment took.</summary>
    public double Seconds { get; set; }
}
