namespace Recurrent.Data.Files;

/// <summary>What to do with a missing value in a numeric column (see <see cref="DelimitedReader.IsMissing(int)"/>).</summary>
public enum MissingValues
{
    /// <summary>Stop with an error naming the file, line and column.</summary>
    Error,

    /// <summary>Leave the row out.</summary>
    Drop,

    /// <summary>Fill the value from its neighbours in the series (<see cref="SeriesFill.Interpolate"/>).</summary>
    Interpolate,
}
