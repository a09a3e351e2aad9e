using Recurrent.Data.Text;

namespace Recurrent.Tests.Data.Text;

public class CharVocabularyTests
{
    [Fact]
    public void IdsAreRanksOfTheSortedDistinctCharacters()
    {
        var vocabulary = CharVocabulary.FromText("hello world\n");
        Assert.Equal("\n dehlorw", vocabulary.Symbols.ToString());
        Assert.Equal(9, vocabulary.Count);
        Assert.Equal(0, vocabulary.IdOf('\n'));
        Assert.Equal(1, vocabulary.IdOf(' '));
        Assert.Equal(8, vocabulary.IdOf('w'));
        Assert.Equal('l', vocabulary[5]);
        Assert.Equal([4, 3, 5, 5, 6], vocabulary.Encode("hello"));
    }

    [Fact]
    public void EncodeThenDecodeGivesTheTextBack()
    {
        const string text = "Tensor σ(W·h) ⊙ x — naïve 😀 \\ end\r\n";
        var vocabulary = CharVocabulary.FromText(text);
        int[] ids = vocabulary.Encode(text);
        Assert.All(ids, id => Assert.InRange(id, 0, vocabulary.Count - 1));
        Assert.Equal(text, vocabulary.Decode(ids));
    }

    [Fact]
    public void EncodingAnUnknownCharacterNamesItAndItsPosition()
    {
        var vocabulary = CharVocabulary.FromText("abc");
        var e = Assert.Throws<ArgumentException>(() => vocabulary.Encode("abcaz"));
        Assert.Contains("'z' (U+007A)", e.Message);
        Assert.Contains("position 4", e.Message);
        var control = Assert.Throws<ArgumentException>(() => vocabulary.Encode("a\tb"));
        Assert.Contains("U+0009", control.Message);
        Assert.Contains("position 1", control.Message);
    }

    [Fact]
    public void DecodingAnIdOutsideTheVocabularyNamesIt()
    {
        var vocabulary = CharVocabulary.FromText("abc");
        var e = Assert.Throws<ArgumentOutOfRangeException>(() => vocabulary.Decode([0, 1, 3]));
        Assert.Contains("Id 3 at position 2", e.Message);
        Assert.Throws<ArgumentOutOfRangeException>(() => vocabulary.Decode([-1]));
    }

    [Fact]
    public void TextFormRoundTripsAndEscapesWhatWouldNotSurviveUtf8()
    {
        var vocabulary = CharVocabulary.FromText("a\nb\\c\t😀σ\u007F");
        string saved = vocabulary.ToText();
        Assert.Equal("\\u0009\\u000A\\u005Cabc\\u007Fσ\\uD83D\\uDE00", saved);
        Assert.DoesNotContain(saved, c => char.IsControl(c) || char.IsSurrogate(c));
        var loaded = CharVocabulary.Parse(saved);
        Assert.Equal(vocabulary, loaded);
        Assert.Equal(vocabulary.GetHashCode(), loaded.GetHashCode());
        Assert.NotEqual(vocabulary, CharVocabulary.FromText("abc"));
    }

    [Fact]
    public void ParseRejectsBadEscapesAndUnsortedSymbols()
    {
        Assert.Contains("position 1", Assert.Throws<FormatException>(() => CharVocabulary.Parse("a\\x0041")).Message);
        Assert.Throws<FormatException>(() => CharVocabulary.Parse("a\\u00"));
        var unsorted = Assert.Throws<FormatException>(() => CharVocabulary.Parse("bac"));
        Assert.Contains("'a' (U+0061)", unsorted.Message);
        Assert.Throws<FormatException>(() => CharVocabulary.Parse("abb"));
    }
}
