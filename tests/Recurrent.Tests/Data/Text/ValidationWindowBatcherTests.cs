using Recurrent.Data.Text;

namespace Recurrent.Tests.Data.Text;

public class ValidationWindowBatcherTests
{
    [Fact]
    public void EveryValidationCharacterIsATargetExactlyOnceInOrder()
    {
        var corpus = PositionCorpus.Create(1000); // validation = ids [900, 1000)
        const int B = 4, T = 7;
        var batcher = new ValidationWindowBatcher(corpus, B, T);
        Assert.Equal(100, batcher.Characters);
        Assert.Equal(15, batcher.WindowCount); // 14 full windows and one of 2
        int[] inputs = new int[B * T], targets = new int[B * T], lengths = new int[B];
        var seen = new List<int>();
        var rowsPerBatch = new List<int>();
        int[] lastLengths = [];
        int rows;
        while ((rows = batcher.Next(inputs, targets, lengths)) > 0)
        {
            rowsPerBatch.Add(rows);
            lastLengths = [.. lengths];
            for (int b = 0; b < B; b++)
            {
                for (int t = 0; t < T; t++)
                {
                    if (t < lengths[b])
                    {
                        seen.Add(targets[b * T + t]);
                        Assert.Equal(targets[b * T + t] - 1, inputs[b * T + t]);
                    }
                    else
                    {
                        Assert.Equal(0, inputs[b * T + t]);
                        Assert.Equal(0, targets[b * T + t]);
                    }
                }
            }
        }
        Assert.Equal(Enumerable.Range(900, 100), seen);
        Assert.Equal([4, 4, 4, 3], rowsPerBatch);
        Assert.Equal([7, 7, 2, 0], lastLengths); // the last batch: two full windows, the partial one, an unused row
        Assert.True(batcher.Done);
        Assert.Equal(0, batcher.Next(inputs, targets, lengths));
        Assert.Equal([0, 0, 0, 0], lengths);
        batcher.Reset();
        Assert.Equal(4, batcher.Next(inputs, targets, lengths));
        Assert.Equal(899, inputs[0]); // the first target is predicted from the last training character
    }

    [Fact]
    public void WithOneRowConsecutiveBatchesAreContiguous()
    {
        var batcher = new ValidationWindowBatcher(PositionCorpus.Create(300), 1, 8);
        int[] inputs = new int[8], targets = new int[8], lengths = new int[1];
        batcher.Next(inputs, targets, lengths);
        int lastTarget = targets[7];
        batcher.Next(inputs, targets, lengths);
        Assert.Equal(lastTarget, inputs[0]);
    }

    [Fact]
    public void ACorpusWithoutValidationSplitIsRejected()
    {
        var corpus = PositionCorpus.Create(100, validationFraction: 0);
        var e = Assert.Throws<InvalidDataException>(() => new ValidationWindowBatcher(corpus, 2, 8));
        Assert.Contains("'positions' has no validation split", e.Message);
    }

    [Fact]
    public void NextAllocatesNothingOnceWarm()
    {
        var batcher = new ValidationWindowBatcher(PositionCorpus.Create(5000, 0.5), 4, 16);
        int[] inputs = new int[64], targets = new int[64], lengths = new int[4];
        batcher.Next(inputs, targets, lengths);
        long before = GC.GetAllocatedBytesForCurrentThread();
        while (batcher.Next(inputs, targets, lengths) > 0) { }
        Assert.Equal(0, GC.GetAllocatedBytesForCurrentThread() - before);
    }
}
