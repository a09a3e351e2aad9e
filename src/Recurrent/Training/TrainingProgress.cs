namespace Recurrent.Training;

/// <summary>A run's state after a step, for progress displays; <see cref="Validation"/> is set when a validation has just ended.</summary>
/// <param name="Step">Optimiser steps so far.</param>
/// <param name="Epoch">Completed passes over the training data.</param>
/// <param name="WallSeconds">Training wall time so far, validation excluded.</param>
/// <param name="ExamplesPerSecond">Training throughput over the run (examples as <see cref="Data.IBatch.Count"/> counts them).</param>
/// <param name="TrainLoss">Mean training loss since the previous validation.</param>
/// <param name="ValidationLoss">The last validation loss, or null before the first.</param>
/// <param name="Fraction">How much of the budget is spent, in [0, 1], or null without a budget.</param>
/// <param name="Validation">The validation that has just ended, or null.</param>
public sealed record TrainingProgress(long Step, int Epoch, double WallSeconds, double ExamplesPerSecond, double TrainLoss,
    double? ValidationLoss, double? Fraction, TrainingRecord? Validation = null);
