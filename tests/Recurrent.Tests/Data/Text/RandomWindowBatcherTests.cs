using Recurrent.Data.Text;
using Recurrent.Tensors;

namespace Recurrent.Tests.Data.Text;

public class RandomWindowBatcherTests
{
    [Fact]
    public void WindowsAreContiguousTrainingTextWithTargetsOneLater()
    {
        var corpus = PositionCorpus.Create(200); // train = ids [0, 180)
        const int B = 5, T = 9;
        var batcher = new RandomWindowBatcher(corpus, B, T, new Rng(3));
        var inputs = new int[B * T];
        var targets = new int[B * T];
        int lowest = int.MaxValue, highest = int.MinValue;
        for (int batch = 0; batch < 400; batch++)
        {
            batcher.Next(inputs, targets);
            for (int b = 0; b < B; b++)
            {
                int offset = inputs[b * T];
                for (int t = 0; t < T; t++)
                {
                    Assert.Equal(offset + t, inputs[b * T + t]);
                    Assert.Equal(offset + t + 1, targets[b * T + t]);
                }
                lowest = Math.Min(lowest, offset);
                highest = Math.Max(highest, offset);
            }
        }
        // Every start that keeps the T + 1 characters inside the training split, and no other.
        Assert.Equal(0, lowest);
        Assert.Equal(corpus.TrainLength - T - 1, highest);
    }

    [Fact]
    public void SameSeedSameBatchesAndTheRngStateResumesExactly()
    {
        var corpus = PositionCorpus.Create(300);
        const int B = 4, T = 16;
        var a = new RandomWindowBatcher(corpus, B, T, new Rng(42));
        var b = new RandomWindowBatcher(corpus, B, T, new Rng(42));
        int[] x1 = new int[B * T], y1 = new int[B * T], x2 = new int[B * T], y2 = new int[B * T];
        for (int i = 0; i < 5; i++)
        {
            a.Next(x1, y1);
            b.Next(x2, y2);
            Assert.Equal(x1, x2);
            Assert.Equal(y1, y2);
        }
        ulong[] saved = a.Rng.State;
        a.Next(x1, y1);
        var resumed = new RandomWindowBatcher(corpus, B, T, new Rng(0));
        resumed.Rng.State = saved;
        resumed.Next(x2, y2);
        Assert.Equal(x1, x2);
        var other = new RandomWindowBatcher(corpus, B, T, new Rng(43));
        other.Next(x2, y2);
        Assert.NotEqual(x1, x2);
    }

    [Fact]
    public void BuffersOfTheWrongSizeAreNamed()
    {
        var batcher = new RandomWindowBatcher(PositionCorpus.Create(100), 4, 8, new Rng(1));
        var e = Assert.Throws<ArgumentException>(() => batcher.Next(new int[31], new int[32]));
        Assert.Contains("inputs has 31 elements; expected B·T = 4·8 = 32", e.Message);
    }

    [Fact]
    public void NextAllocatesNothingOnceWarm()
    {
        var batcher = new RandomWindowBatcher(PositionCorpus.Create(1000), 8, 32, new Rng(1));
        var inputs = new int[8 * 32];
        var targets = new int[8 * 32];
        batcher.Next(inputs, targets);
        long before = GC.GetAllocatedBytesForCurrentThread();
        for (int i = 0; i < 100; i++) batcher.Next(inputs, targets);
        Assert.Equal(0, GC.GetAllocatedBytesForCurrentThread() - before);
    }
}
