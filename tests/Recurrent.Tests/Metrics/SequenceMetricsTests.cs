using System.Collections.ObjectModel;
using Recurrent.Metrics;

namespace Recurrent.Tests.Metrics;

/// <summary>Exact match, word and symbol error rates of seq2seq outputs with several references, worked by hand.</summary>
public class SequenceMetricsTests
{
    private static string[] S(string symbols) => symbols.Length == 0 ? [] : symbols.Split(' ');

    [Fact]
    public void SeveralReferencesWorkedByHand()
    {
        var metrics = new SequenceMetrics();
        // Equal to its only reference: distance 0 over 3 symbols.
        metrics.Add(S("k ae t"), [S("k ae t")]);
        // Equal to its second reference: correct; distance 0 over that reference's 3 symbols.
        metrics.Add(S("r iy d"), [S("r eh d"), S("r iy d")]);
        // One substitution from the first reference (6 symbols), one insertion from the second (7 symbols):
        // a tie at distance 1, scored against the longer one: 1 error over 7.
        metrics.Add(S("t ah m ey t ow"), [S("t ah m aa t ow"), S("t ah m ey t ow z")]);
        // Nothing predicted: 2 deletions over 2.
        metrics.Add(S(""), [S("ax b")]);

        Assert.Equal(4, metrics.Samples);
        Assert.Equal(2, metrics.ExactMatches);
        Assert.Equal(0.5, metrics.ExactMatch);
        Assert.Equal(0.5, metrics.WordErrorRate);
        Assert.Equal(0 + 0 + 1 + 2, metrics.SymbolErrors);
        Assert.Equal(3 + 3 + 7 + 2, metrics.ReferenceSymbols);
        Assert.Equal(3.0 / 15, metrics.SymbolErrorRate, 15);
    }

    [Fact]
    public void TheClosestReferenceWinsOverALongerOne()
    {
        var metrics = new SequenceMetrics();
        // Distance 3 to "a b c d e", 1 to "a c": the shorter, closer one is the reference.
        metrics.Add(S("a b"), [S("a b c d e"), S("a c")]);
        Assert.Equal(1, metrics.SymbolErrors);
        Assert.Equal(2, metrics.ReferenceSymbols);
        Assert.Equal(0.5, metrics.SymbolErrorRate);
        Assert.Equal(1.0, metrics.WordErrorRate);
        // A prediction longer than its reference: the rate exceeds 1.
        metrics.Add(S("x y z"), [S("q")]);
        Assert.Equal(1 + 3, metrics.SymbolErrors);
        Assert.Equal(2 + 1, metrics.ReferenceSymbols);
        Assert.Equal(0.0, metrics.ExactMatch);
    }

    [Fact]
    public void AnyListImplementationIsAccepted()
    {
        var metrics = new SequenceMetrics();
        IReadOnlyList<string> predicted = new ReadOnlyCollection<string>(["a", "b"]);
        metrics.Add(predicted, [new List<string> { "a", "b" }, new ReadOnlyCollection<string>(["a"])]);
        metrics.Add(new List<string> { "a" }, [new ReadOnlyCollection<string>(["b"])]);
        Assert.Equal(0.5, metrics.ExactMatch);
        Assert.Equal(1, metrics.SymbolErrors);
        Assert.Equal(3, metrics.ReferenceSymbols);
    }

    [Fact]
    public void SymbolsCompareOrdinally()
    {
        var metrics = new SequenceMetrics();
        metrics.Add(S("AE"), [S("ae")]);
        Assert.Equal(0.0, metrics.ExactMatch);
        Assert.Equal(1, metrics.SymbolErrors);
    }

    [Fact]
    public void NoSamplesGiveNaN()
    {
        var metrics = new SequenceMetrics();
        Assert.Equal(0, metrics.Samples);
        Assert.True(double.IsNaN(metrics.ExactMatch));
        Assert.True(double.IsNaN(metrics.WordErrorRate));
        Assert.True(double.IsNaN(metrics.SymbolErrorRate));
        metrics.Add(S(""), [S("")]);
        Assert.Equal(1.0, metrics.ExactMatch);
        Assert.True(double.IsNaN(metrics.SymbolErrorRate)); // no reference symbols yet
    }

    [Fact]
    public void BadArguments()
    {
        var metrics = new SequenceMetrics();
        var empty = Assert.Throws<ArgumentException>(() => metrics.Add(S("a"), []));
        Assert.Equal("references", empty.ParamName);
        Assert.Throws<ArgumentNullException>(() => metrics.Add(null!, [S("a")]));
        Assert.Throws<ArgumentNullException>(() => metrics.Add(S("a"), [S("a"), null!]));
        Assert.Equal(0, metrics.Samples);
    }
}
