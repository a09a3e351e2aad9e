using System.Globalization;

namespace Recurrent.Data;

/// <summary>
/// Checks that a caller's buffer has the length a batch needs, with a message that names both; builds the message
/// only on failure, so batchers can check every call without allocating.
/// </summary>
internal static class BufferCheck
{
    /// <summary>Throws unless <paramref name="length"/> = <paramref name="rows"/> · <paramref name="columns"/>.</summary>
    /// <param name="length">The buffer's length.</param>
    /// <param name="rows">The rows the batch has (B).</param>
    /// <param name="columns">The elements per row (T, or T·F).</param>
    /// <param name="name">The parameter's name.</param>
    /// <param name="rowsName">The rows' symbol, such as "B".</param>
    /// <param name="columnsName">The columns' symbol, such as "T".</param>
    public static void Length(int length, int rows, int columns, string name, string rowsName, string columnsName)
    {
        if (length != rows * columns)
        {
            throw new ArgumentException(string.Create(CultureInfo.InvariantCulture,
                $"{name} has {length} elements; expected {rowsName}·{columnsName} = {rows}·{columns} = {rows * columns}."), name);
        }
    }
}
