namespace Recurrent.Optimizers;

/// <summary>The argument checks the optimizers and the learning-rate schedules share.</summary>
internal static class Check
{
    /// <summary>Throws unless <paramref name="value"/> is finite and ≥ 0.</summary>
    public static void NonNegative(double value, string name)
    {
        if (!(value >= 0) || double.IsInfinity(value)) throw new ArgumentOutOfRangeException(name, $"{name} must be finite and non-negative; got {value}.");
    }

    /// <summary>Throws unless <paramref name="value"/> is in [0, 1).</summary>
    public static void Decay(double value, string name)
    {
        if (!(value is >= 0 and < 1)) throw new ArgumentOutOfRangeException(name, $"{name} must be in [0, 1); got {value}.");
    }
}
