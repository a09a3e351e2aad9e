namespace Recurrent.Training;

/// <summary>A training run's state after a step, for progress displays.</summary>
/// <param name="Step">Optimiser steps so far.</param>
/// <param name="WallSeconds">Training wall time so far, validation excluded.</param>
/// <param name="CharactersPerSecond">Training throughput over the run.</param>
/// <param name="TrainLoss">Mean training loss since the previous validation.</param>
/// <param name="ValidationLoss">The last validation loss, or null before the first.</param>
/// <param name="Fraction">How much of the budget is spent, in [0, 1], or null without a budget.</param>
public readonly record struct TrainingProgress(long Step, double WallSeconds, double CharactersPerSecond, double TrainLoss, double? ValidationLoss, double? Fraction);
