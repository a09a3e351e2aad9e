using Recurrent.Data;
using System.Globalization;
using System.Text;

namespace Recurrent.Training;

/// <summary>
/// One validation of a run: a line of the metrics file,
/// <c>{"wall_s":..,"step":..,"epoch":..,"examples":..,"train_loss":..,"val_loss":..,"lr":..}</c>.
/// </summary>
/// <param name="WallSeconds">Training wall time so far, validation excluded.</param>
/// <param name="Step">Optimiser steps so far.</param>
/// <param name="Epoch">Completed passes over the training data.</param>
/// <param name="Examples">Training examples seen so far (the sum of the batches' <see cref="IBatch.Count"/>: characters for a language model).</param>
/// <param name="TrainLoss">Mean training loss since the previous record.</param>
/// <param name="ValidationLoss">Mean loss over the whole validation data, or null without validation data.</param>
/// <param name="LearningRate">The learning rate of the last step.</param>
public sealed record TrainingRecord(double WallSeconds, long Step, int Epoch, long Examples, double TrainLoss, double? ValidationLoss, double LearningRate)
{
    /// <summary>The record as one line of JSON (numbers in invariant culture, a missing loss as null).</summary>
    /// <returns>The line, without a line break.</returns>
    public string ToJson()
    {
        static string Number(double? x) => x is { } v && double.IsFinite(v) ? v.ToString("R", CultureInfo.InvariantCulture) : "null";
        var line = new StringBuilder("{");
        line.Append("\"wall_s\":").Append(Number(Math.Round(WallSeconds, 3)));
        line.Append(",\"step\":").Append(Step.ToString(CultureInfo.InvariantCulture));
        line.Append(",\"epoch\":").Append(Epoch.ToString(CultureInfo.InvariantCulture));
        line.Append(",\"examples\":").Append(Examples.ToString(CultureInfo.InvariantCulture));
        line.Append(",\"train_loss\":").Append(Number(TrainLoss));
        line.Append(",\"val_loss\":").Append(Number(ValidationLoss));
        line.Append(",\"lr\":").Append(Number(LearningRate));
        return line.Append('}').ToString();
    }
}
