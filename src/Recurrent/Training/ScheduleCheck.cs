namespace Recurrent.Training;

/// <summary>The check every learning-rate schedule makes of the step it is asked about.</summary>
internal static class ScheduleCheck
{
    public static void Step(long step)
    {
        if (step < 0) throw new ArgumentOutOfRangeException(nameof(step), $"step counts updates made so far and must be non-negative; got {step}.");
    }
}
