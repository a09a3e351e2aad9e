namespace Recurrent.Training;

/// <summary>The argument checks the learning-rate schedules share.</summary>
internal static class ScheduleCheck
{
    public static void Rate(double value, string name)
    {
        if (!(value >= 0) || double.IsInfinity(value)) throw new ArgumentOutOfRangeException(name, $"{name} must be finite and non-negative; got {value}.");
    }

    public static void Step(long step)
    {
        if (step < 0) throw new ArgumentOutOfRangeException(nameof(step), $"step counts updates made so far and must be non-negative; got {step}.");
    }
}
