namespace Recurrent.Training;

/// <summary>
/// One validation of a run, the line <c>--metrics</c> writes:
/// <c>{"wall_s":..,"step":..,"chars":..,"train_loss":..,"val_loss":..}</c>.
/// </summary>
/// <param name="WallSeconds">Training wall time so far, validation excluded.</param>
/// <param name="Step">Optimiser steps so far.</param>
/// <param name="Characters">Training characters predicted so far (B·T per step).</param>
/// <param name="TrainLoss">Mean training loss since the previous validation, nats/char.</param>
/// <param name="ValidationLoss">Mean cross-entropy over the whole validation split, nats/char.</param>
public sealed record ValidationRecord(double WallSeconds, long Step, long Characters, double TrainLoss, double ValidationLoss);
