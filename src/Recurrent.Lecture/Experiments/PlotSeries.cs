namespace Recurrent.Lecture.Experiments;

/// <summary>One line of a <see cref="PlotSpec"/>: a label and its points.</summary>
/// <param name="Label">The legend entry.</param>
/// <param name="X">The x values.</param>
/// <param name="Y">The y values, as many as <paramref name="X"/>.</param>
public sealed record PlotSeries(string Label, double[] X, double[] Y);
