using System.Text;

namespace Recurrent.Lecture.Experiments;

/// <summary>A table of measured results, printed as markdown.</summary>
public sealed class ResultTable
{
    private readonly List<string[]> _rows = [];

    /// <summary>Creates an empty table with the given column headers.</summary>
    /// <param name="title">A heading printed above the table.</param>
    /// <param name="headers">The column headers.</param>
    public ResultTable(string title, params string[] headers)
    {
        ArgumentNullException.ThrowIfNull(headers);
        if (headers.Length == 0) throw new ArgumentException("A table needs at least one column.", nameof(headers));
        Title = title;
        Headers = headers;
    }

    /// <summary>The heading.</summary>
    public string Title { get; }

    /// <summary>The column headers.</summary>
    public IReadOnlyList<string> Headers { get; }

    /// <summary>The rows, each with one cell per header.</summary>
    public IReadOnlyList<string[]> Rows => _rows;

    /// <summary>Appends a row.</summary>
    /// <param name="cells">One cell per header.</param>
    public void Add(params string[] cells)
    {
        if (cells.Length != Headers.Count) throw new ArgumentException($"The row has {cells.Length} cells; the table has {Headers.Count} columns.", nameof(cells));
        _rows.Add(cells);
    }

    /// <summary>The table in GitHub markdown, with its title as a bold line above it.</summary>
    /// <returns>The text, ending with a newline.</returns>
    public string ToMarkdown()
    {
        var sb = new StringBuilder();
        if (!string.IsNullOrEmpty(Title)) sb.Append("**").Append(Title).Append("**\n\n");
        sb.Append("| ").Append(string.Join(" | ", Headers)).Append(" |\n");
        sb.Append('|').Append(string.Concat(Headers.Select(_ => " --- |"))).Append('\n');
        foreach (var row in _rows) sb.Append("| ").Append(string.Join(" | ", row)).Append(" |\n");
        return sb.ToString();
    }
}
