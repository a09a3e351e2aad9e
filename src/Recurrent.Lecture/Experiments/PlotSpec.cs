namespace Recurrent.Lecture.Experiments;

/// <summary>A line plot an experiment asks for; the CLI renders it as a PNG.</summary>
/// <param name="FileName">The file name without extension, such as <c>vanishing-gradient</c>.</param>
/// <param name="Title">The title.</param>
/// <param name="XLabel">The x axis' label.</param>
/// <param name="YLabel">The y axis' label.</param>
/// <param name="Series">The lines.</param>
/// <param name="LogY">Whether y is shown on a log₁₀ scale (values must then be positive).</param>
public sealed record PlotSpec(string FileName, string Title, string XLabel, string YLabel, IReadOnlyList<PlotSeries> Series, bool LogY = false);
