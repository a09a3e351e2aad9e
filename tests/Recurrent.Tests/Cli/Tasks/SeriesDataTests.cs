using Recurrent.Cli.Tasks;
using Recurrent.Data;

namespace Recurrent.Tests.Cli.Tasks;

/// <summary>
/// The forecasting windows against a hand loop: the inputs are the standardised levels or differences of the window,
/// the targets those of the following steps, and turning the true targets back into levels gives the actual series.
/// </summary>
public sealed class SeriesDataTests(TaskDataFiles files) : IClassFixture<TaskDataFiles>
{
    [Theory]
    [InlineData(false, 1)]
    [InlineData(true, 1)]
    [InlineData(true, 3)]
    [InlineData(false, 2)]
    public void WindowsAndTheirTargetsRoundTripToTheActualLevels(bool difference, int horizon)
    {
        var schema = new DataSchema { Task = "forecast", Features = ["y", "z"], Targets = ["z"], Time = "year", Window = 4, Horizon = horizon, Difference = difference };
        var series = SeriesData.Read(files.PathOf("series.csv"), schema);
        Assert.Equal(240, series.Rows);
        Assert.Equal("1800", series.Times[0]);
        var rows = new double[(series.Rows - 1) * 2];
        for (int r = 1; r < series.Rows; r++) for (int j = 0; j < 2; j++) rows[(r - 1) * 2 + j] = series.Input(r, j, difference);
        var stats = Standardizer.Fit(rows, 2);
        int[] origins = [SeriesData.FirstOrigin(schema), 50, series.Rows - 1 - horizon];
        var data = series.Windows(schema, stats, origins);
        for (int n = 0; n < origins.Length; n++)
        {
            int t = origins[n];
            for (int s = 0; s < schema.Window; s++)
            {
                int row = t - schema.Window + 1 + s;
                double expected = difference ? series.Level(row, 0) - series.Level(row - 1, 0) : series.Level(row, 0);
                Assert.Equal((expected - stats.Mean[0]) / stats.Scale[0], data.Inputs[n][s * 2], 5);
            }
            var levels = series.ToLevels(schema, stats, t, data.Values[n]);
            for (int k = 0; k < horizon; k++) Assert.Equal(series.Level(t + 1 + k, 1), levels[k], 4);
        }
    }

    [Fact]
    public void TheValidationSplitIsFixedByEachSamplesKeyAndKeepsRepeatedKeysTogether()
    {
        var samples = Enumerable.Range(0, 2000).Select(i => new RawSample { Key = $"w{i % 700}", Line = i + 2 }).ToList();
        var (train, valid) = TrainTask.Split(samples, 0.2, 1337);
        Assert.Equal(2000, train.Count + valid.Count);
        Assert.InRange(valid.Count / 2000.0, 0.15, 0.25);
        Assert.Empty(train.Select(s => s.Key).Intersect(valid.Select(s => s.Key)));
        var (train2, _) = TrainTask.Split(Enumerable.Reverse(samples).ToList(), 0.2, 1337);
        Assert.Equal(train.Select(s => s.Line).Order(), train2.Select(s => s.Line).Order());
    }
}
