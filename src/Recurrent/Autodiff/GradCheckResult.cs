namespace Recurrent.Autodiff;

/// <summary>The worst element of a <see cref="GradCheck.Run"/>.</summary>
/// <param name="Variable">The name of the variable it belongs to.</param>
/// <param name="Index">Its flat index in that variable.</param>
/// <param name="Analytic">The back-propagated gradient.</param>
/// <param name="Numeric">The central-difference estimate.</param>
/// <param name="Error">|analytic − numeric| / max(1, |analytic|, |numeric|).</param>
public readonly record struct GradCheckResult(string Variable, int Index, double Analytic, double Numeric, double Error)
{
    /// <inheritdoc/>
    public override string ToString() =>
        $"{Variable}[{Index}]: analytic {Analytic:G10}, numeric {Numeric:G10}, error {Error:E2}";
}
