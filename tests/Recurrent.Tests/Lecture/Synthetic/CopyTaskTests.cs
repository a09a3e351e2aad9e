using Recurrent.Lecture.Data.Synthetic;
using Recurrent.Tensors;

namespace Recurrent.Tests.Lecture.Synthetic;

public class CopyTaskTests
{
    [Fact]
    public void SequencesAreSymbolsBlanksDelimiterBlanksAndTargetsRepeatTheSymbolsAtTheEnd()
    {
        var task = new CopyTask(delay: 5);
        Assert.Equal(25, task.Length);
        Assert.Equal(14, task.DelimiterStep);
        (int[] x, int[] y) = task.Sample(new Rng(8), 50);
        var counts = new int[CopyTask.Classes];
        for (int b = 0; b < 50; b++)
        {
            int[] input = x[(b * 25)..((b + 1) * 25)];
            int[] target = y[(b * 25)..((b + 1) * 25)];
            Assert.All(input[..10], s => Assert.InRange(s, 1, 8));
            Assert.All(input[10..14], s => Assert.Equal(CopyTask.Blank, s));
            Assert.Equal(CopyTask.Delimiter, input[14]);
            Assert.All(input[15..], s => Assert.Equal(CopyTask.Blank, s));
            Assert.All(target[..15], s => Assert.Equal(CopyTask.Blank, s));
            Assert.Equal(input[..10], target[15..]);
            foreach (int s in input[..10]) counts[s]++;
        }
        Assert.All(counts[1..9], c => Assert.InRange(c, 40, 85)); // 500 symbols, 62.5 expected per symbol
    }

    [Theory]
    [InlineData(1)]
    [InlineData(10)]
    [InlineData(100)]
    public void TheMemorylessPredictorScoresExactlyTheBaseline(int delay)
    {
        var task = new CopyTask(delay);
        Assert.Equal(10 * Math.Log(8) / (delay + 20), task.BaselineCrossEntropy, 15);
        (int[] x, int[] y) = task.Sample(new Rng(77), 64);
        // Predict blank with certainty until the delimiter has been read, then uniform over the 8 data symbols.
        double total = 0;
        for (int b = 0; b < 64; b++)
        {
            bool delimiterSeen = false;
            for (int t = 0; t < task.Length; t++)
            {
                int target = y[b * task.Length + t];
                double p = delimiterSeen ? (target is >= 1 and <= 8 ? 1.0 / 8 : 0) : (target == CopyTask.Blank ? 1 : 0);
                total -= Math.Log(p);
                if (x[b * task.Length + t] == CopyTask.Delimiter) delimiterSeen = true;
            }
        }
        Assert.Equal(task.BaselineCrossEntropy, total / (64 * task.Length), 12);
    }

    [Fact]
    public void TheSameSeedGivesTheSameDataAndBuffersAreChecked()
    {
        var task = new CopyTask(30);
        Assert.Equal(task.Sample(new Rng(3), 4).Inputs, task.Sample(new Rng(3), 4).Inputs);
        Assert.NotEqual(task.Sample(new Rng(3), 4).Inputs, task.Sample(new Rng(4), 4).Inputs);
        var e = Assert.Throws<ArgumentException>(() => task.Fill(new Rng(1), new int[100], new int[50]));
        Assert.Contains("targets has 50 elements; expected B·L = 2·50 = 100", e.Message);
        Assert.Throws<ArgumentOutOfRangeException>(() => new CopyTask(0));
    }
}
