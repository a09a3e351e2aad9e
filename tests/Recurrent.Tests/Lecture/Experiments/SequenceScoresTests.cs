using Recurrent.Data;
using Recurrent.Lecture.Experiments;

namespace Recurrent.Tests.Lecture.Experiments;

public class SequenceScoresTests
{
    [Fact]
    public void ExactMatchNeedsTheWholeSequenceAndItsEnd()
    {
        var truth = new DecoderSequences(4, 3);
        truth.SetRow(0, [5, 6]);
        truth.SetRow(1, [5, 6]);
        truth.SetRow(2, [5, 6]);
        truth.SetRow(3, [7]);
        int[][] outputs = [[5, 6], [5, 6, 6], [5, 7], []];
        var scores = new SequenceScores();
        scores.Add(outputs, truth, 4);
        // Row 0 right (3/3 tokens with <end>); row 1 too long (2/3); row 2 wrong second token (2/3); row 3 ended at once (0/2).
        Assert.Equal(0.25, scores.ExactMatch);
        Assert.Equal(7.0 / 11.0, scores.TokenAccuracy, 12);
        Assert.Equal(4, scores.Count);
    }

    [Fact]
    public void TablesPrintAsMarkdown()
    {
        var table = new ResultTable("Title", "cell", "MSE");
        table.Add("LSTM", "0.0010");
        Assert.Equal("**Title**\n\n| cell | MSE |\n| --- | --- |\n| LSTM | 0.0010 |\n", table.ToMarkdown());
        Assert.Throws<ArgumentException>(() => table.Add("only one cell"));
    }
}
