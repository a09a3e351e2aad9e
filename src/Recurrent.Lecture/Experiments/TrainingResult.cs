namespace Recurrent.Lecture.Experiments;

/// <summary>What a <see cref="TrainingRun"/> did.</summary>
/// <param name="Steps">Steps taken.</param>
/// <param name="Seconds">Wall-clock seconds.</param>
/// <param name="StoppedByBudget">Whether the wall-clock budget ended it before its steps.</param>
/// <param name="CurveSteps">The step at the end of each averaging window.</param>
/// <param name="CurveLoss">The mean training loss of each window.</param>
/// <param name="FinalLoss">The mean training loss of the last window.</param>
internal sealed record TrainingResult(int Steps, double Seconds, bool StoppedByBudget, double[] CurveSteps, double[] CurveLoss, double FinalLoss);
