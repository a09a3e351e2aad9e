using Recurrent.Data;
using Recurrent.Lecture.Data.Synthetic;
using Recurrent.Tensors;

namespace Recurrent.Tests.Lecture.Synthetic;

public class AdditionDatasetTests
{
    [Fact]
    public void TrainAndHeldOutAreDistinctDisjointAndDeterministic()
    {
        var data = AdditionDataset.Create(seed: 1);
        Assert.Equal(45_000, data.Train.Length);
        Assert.Equal(5_000, data.HeldOut.Length);
        var keys = new HashSet<(int, int)>();
        foreach (AdditionProblem p in data.HeldOut.Span) Assert.True(keys.Add((Math.Min(p.A, p.B), Math.Max(p.A, p.B))));
        foreach (AdditionProblem p in data.Train.Span)
        {
            Assert.InRange(p.A, 0, 999);
            Assert.InRange(p.B, 0, 999);
            Assert.True(keys.Add((Math.Min(p.A, p.B), Math.Max(p.A, p.B))), $"{p} repeats a problem or its mirror");
        }
        Assert.Equal(data.Train.ToArray(), AdditionDataset.Create(seed: 1).Train.ToArray());
        Assert.NotEqual(data.HeldOut.ToArray(), AdditionDataset.Create(seed: 2).HeldOut.ToArray());
    }

    [Fact]
    public void OneDigitSumsReachTheTrainingSet()
    {
        // The held-out problems are a random share of all drawn problems, so the frequent short ones land on both sides.
        var data = AdditionDataset.Create(seed: 1);
        int trainOneDigit = 0, heldOutOneDigit = 0;
        foreach (AdditionProblem p in data.Train.Span) if (p.Sum < 10) trainOneDigit++;
        foreach (AdditionProblem p in data.HeldOut.Span) if (p.Sum < 10) heldOutOneDigit++;
        // 30 distinct problems (up to order) have a one-digit sum; all are drawn, about nine in ten of them for training.
        Assert.Equal(30, trainOneDigit + heldOutOneDigit);
        Assert.True(trainOneDigit >= 20, $"only {trainOneDigit} of the 30 one-digit sums are in training");
    }

    [Fact]
    public void OperandsHaveOneToThreeDigitsAsInKeras()
    {
        var rng = new Rng(9);
        var digits = new int[4];
        for (int i = 0; i < 30_000; i++)
        {
            AdditionProblem p = AdditionDataset.Draw(rng);
            digits[p.A.ToString().Length]++;
        }
        // d ~ U{1,2,3}, then U{0 … 10ᵈ − 1}: P(1 digit) = 1/3·1 + 1/3·0.1 + 1/3·0.01 = 0.37, P(3 digits) = 0.3.
        Assert.InRange(digits[1] / 30_000.0, 0.36, 0.38);
        Assert.InRange(digits[3] / 30_000.0, 0.29, 0.31);
    }

    [Fact]
    public void TheVocabularyHasDigitsPlusAndSpecialTokens()
    {
        TokenVocabulary v = AdditionDataset.Vocabulary;
        Assert.Equal(14, v.Count);
        for (int d = 0; d < 10; d++) Assert.Equal(v.IdOf(d.ToString()), AdditionDataset.DigitId(d));
        Assert.Equal(AdditionDataset.PlusId, v.IdOf("+"));
    }

    [Fact]
    public void ProblemsAreEncodedForAnEncoderAndATeacherForcedDecoder()
    {
        var batch = new AdditionBatch(capacity: 3);
        batch.Fill([new AdditionProblem(535, 61), new AdditionProblem(999, 999)]);
        Assert.Equal(2, batch.Count);
        Assert.Equal([8, 6, 8, 13, 9, 4, 0], batch.Questions[..7]);
        Assert.Equal("535+61", AdditionDataset.Vocabulary.Decode(batch.Questions.AsSpan(0, 7), separator: ""));
        Assert.Equal([6, 7, 0], batch.QuestionLengths);
        Assert.Equal("999+999", AdditionDataset.Vocabulary.Decode(batch.Questions.AsSpan(7, 7), separator: ""));
        DecoderSequences answers = batch.Answers;
        Assert.Equal([1, 8, 12, 9, 0], answers.Inputs[..5]);
        Assert.Equal([8, 12, 9, 2, 0], answers.Targets[..5]);
        Assert.Equal([4, 5, 0], answers.Lengths);
        Assert.Equal(596, AdditionBatch.ReadAnswer(answers.TargetRow(0)));
        Assert.Equal(1998, AdditionBatch.ReadAnswer(answers.TargetRow(1)));
        Assert.Null(AdditionBatch.ReadAnswer([AdditionDataset.PlusId, 2]));
        Assert.Null(AdditionBatch.ReadAnswer([TokenVocabulary.EndId]));
        Assert.All(batch.Questions[14..], id => Assert.Equal(TokenVocabulary.PadId, id));
    }

    [Fact]
    public void ReversedQuestionsKeepTheirPaddingAtTheEnd()
    {
        var batch = new AdditionBatch(capacity: 1, reverseQuestions: true);
        batch.Fill([new AdditionProblem(535, 61)]);
        Assert.Equal("16+535", AdditionDataset.Vocabulary.Decode(batch.Questions, separator: ""));
        Assert.Equal(0, batch.Questions[6]);
    }

    [Fact]
    public void BadBatchesAreNamed()
    {
        var batch = new AdditionBatch(capacity: 1);
        Assert.Contains("2 problems do not fit a batch of 1", Assert.Throws<ArgumentException>(() => batch.Fill([new(1, 2), new(3, 4)])).Message);
        Assert.Contains("operand 1000", Assert.Throws<ArgumentException>(() => batch.Fill([new(1000, 2)])).Message);
        Assert.Throws<ArgumentOutOfRangeException>(() => AdditionDataset.Create(1, trainCount: 200_000, heldOutCount: 1));
    }
}
