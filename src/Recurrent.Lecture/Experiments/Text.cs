using System.Globalization;
using Recurrent.Cells;

namespace Recurrent.Lecture.Experiments;

/// <summary>Invariant-culture number formatting and names for the experiments' tables.</summary>
internal static class Text
{
    public static string F(double value, int digits = 4) => value.ToString("F" + digits.ToString(CultureInfo.InvariantCulture), CultureInfo.InvariantCulture);

    public static string G(double value) => value.ToString("G3", CultureInfo.InvariantCulture);

    public static string Percent(double fraction, int digits = 1) => F(100 * fraction, digits) + " %";

    public static string I(int value) => value.ToString(CultureInfo.InvariantCulture);

    public static string Format(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);

    public static string Name(CellKind cell) => cell switch
    {
        CellKind.Elman => "Elman",
        CellKind.Jordan => "Jordan",
        CellKind.ElmanJordan => "Elman–Jordan",
        CellKind.Lstm => "LSTM",
        CellKind.Gru => "GRU",
        CellKind.CudnnGru => "GRU (cuDNN form)",
        _ => cell.ToString(),
    };

    public static string Key(CellKind cell) => cell switch
    {
        CellKind.ElmanJordan => "elman_jordan",
        CellKind.CudnnGru => "gru_cudnn",
        _ => cell.ToString().ToLowerInvariant(),
    };
}
