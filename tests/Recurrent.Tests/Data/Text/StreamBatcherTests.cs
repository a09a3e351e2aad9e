using Recurrent.Data.Text;

namespace Recurrent.Tests.Data.Text;

public class StreamBatcherTests
{
    [Fact]
    public void EachStreamContinuesWhereItsPreviousWindowEnded()
    {
        var corpus = PositionCorpus.Create(1000); // 900 training characters
        const int B = 4, T = 7;
        var batcher = new StreamBatcher(corpus, B, T);
        Assert.Equal(224, batcher.StreamLength);     // ⌊899 / 4⌋
        Assert.Equal(32, batcher.WindowsPerEpoch);   // ⌊224 / 7⌋
        int[] inputs = new int[B * T], targets = new int[B * T];
        var previousTargets = new int[B * T];
        for (int k = 0; k < batcher.WindowsPerEpoch; k++)
        {
            Assert.Equal(k, batcher.Window);
            Assert.Equal(k == 0, batcher.StartsStreams);
            batcher.Next(inputs, targets);
            for (int b = 0; b < B; b++)
            {
                Assert.Equal(batcher.StreamStart(b) + k * T, inputs[b * T]);
                for (int t = 0; t < T; t++)
                {
                    Assert.Equal(inputs[b * T] + t, inputs[b * T + t]);
                    Assert.Equal(inputs[b * T + t] + 1, targets[b * T + t]);
                }
                // Window k of stream b starts right after window k − 1 ended: its first input is that window's last target.
                if (k > 0) Assert.Equal(previousTargets[b * T + T - 1], inputs[b * T]);
                // Streams never run into the next stream or past the training split.
                Assert.True(targets[b * T + T - 1] <= (b + 1) * batcher.StreamLength);
                Assert.True(targets[b * T + T - 1] < corpus.TrainLength);
            }
            targets.CopyTo(previousTargets, 0);
        }
        Assert.Equal(1, batcher.Epoch);
    }

    [Fact]
    public void AfterAnEpochTheStreamsWrapAroundToTheirStarts()
    {
        var corpus = PositionCorpus.Create(120);
        const int B = 3, T = 5;
        var batcher = new StreamBatcher(corpus, B, T);
        int[] first = new int[B * T], inputs = new int[B * T], targets = new int[B * T];
        batcher.Next(first, targets);
        for (int k = 1; k < batcher.WindowsPerEpoch; k++) batcher.Next(inputs, targets);
        Assert.True(batcher.StartsStreams);
        Assert.Equal(1, batcher.Epoch);
        batcher.Next(inputs, targets);
        Assert.Equal(first, inputs);
        Assert.Equal(batcher.WindowsPerEpoch + 1, batcher.Position);
    }

    [Fact]
    public void SettingThePositionResumesExactly()
    {
        var corpus = PositionCorpus.Create(500);
        const int B = 2, T = 11;
        var original = new StreamBatcher(corpus, B, T);
        int[] x1 = new int[B * T], y1 = new int[B * T], x2 = new int[B * T], y2 = new int[B * T];
        for (int i = 0; i < 29; i++) original.Next(x1, y1);
        long saved = original.Position;
        original.Next(x1, y1);
        var resumed = new StreamBatcher(corpus, B, T) { Position = saved };
        resumed.Next(x2, y2);
        Assert.Equal(x1, x2);
        Assert.Equal(y1, y2);
        Assert.Throws<ArgumentOutOfRangeException>(() => resumed.Position = -1);
    }

    [Fact]
    public void NextAllocatesNothingOnceWarm()
    {
        var batcher = new StreamBatcher(PositionCorpus.Create(2000), 8, 16);
        int[] inputs = new int[8 * 16], targets = new int[8 * 16];
        batcher.Next(inputs, targets);
        long before = GC.GetAllocatedBytesForCurrentThread();
        for (int i = 0; i < 100; i++) batcher.Next(inputs, targets);
        Assert.Equal(0, GC.GetAllocatedBytesForCurrentThread() - before);
    }
}
