using Recurrent.Data.Text;

namespace Recurrent.Tests.Data.Text;

/// <summary>
/// A corpus whose N characters are all distinct and ascending, so that the id of character i is i: a batch then
/// shows exactly which positions of the text it was cut from.
/// </summary>
public static class PositionCorpus
{
    public static CharCorpus Create(int length, double validationFraction = 0.1)
    {
        var text = new char[length];
        for (int i = 0; i < length; i++) text[i] = (char)(0x100 + i);
        var corpus = CharCorpus.FromText(new string(text), "positions", validationFraction);
        Assert.Equal(length, corpus.Vocabulary.Count);
        return corpus;
    }
}
