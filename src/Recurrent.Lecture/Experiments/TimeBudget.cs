using System.Diagnostics;

namespace Recurrent.Lecture.Experiments;

/// <summary>
/// Shares an experiment's wall-clock budget among its runs in proportion to their estimated costs, passing on what
/// earlier runs did not use: each run gets <c>remaining time × its cost / remaining cost</c>.
/// </summary>
internal sealed class TimeBudget
{
    private readonly Stopwatch _clock = Stopwatch.StartNew();
    private readonly double _seconds;
    private double _remainingCost;

    /// <summary>Creates the budget.</summary>
    /// <param name="seconds">The whole experiment's seconds.</param>
    /// <param name="totalCost">The sum of the costs of all the runs to come (any unit).</param>
    public TimeBudget(double seconds, double totalCost) => (_seconds, _remainingCost) = (seconds, totalCost);

    /// <summary>The time the next run may take, given its cost; call once per run, in order.</summary>
    public TimeSpan Next(double cost)
    {
        double left = Math.Max(0, _seconds - _clock.Elapsed.TotalSeconds);
        double share = _remainingCost > 0 ? left * Math.Min(1, cost / _remainingCost) : left;
        _remainingCost -= cost;
        return TimeSpan.FromSeconds(share);
    }
}
