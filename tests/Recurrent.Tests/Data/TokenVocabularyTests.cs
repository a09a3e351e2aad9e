using Recurrent.Data;

namespace Recurrent.Tests.Data;

public class TokenVocabularyTests
{
    private static readonly TokenVocabulary Words = new(["red", "square", "top", "left"]);

    [Fact]
    public void SpecialTokensComeFirstThenTheWordsInOrder()
    {
        Assert.Equal(["<pad>", "<start>", "<end>", "red", "square", "top", "left"], Words.Tokens);
        Assert.Equal(TokenVocabulary.PadId, Words.IdOf(TokenVocabulary.Pad));
        Assert.Equal(TokenVocabulary.StartId, Words.IdOf(TokenVocabulary.Start));
        Assert.Equal(TokenVocabulary.EndId, Words.IdOf(TokenVocabulary.End));
        Assert.Equal(4, Words.IdOf("square"));
        Assert.Equal("left", Words[6]);
    }

    [Fact]
    public void EncodeThenDecodeGivesTheSentenceBack()
    {
        var ids = new int[8];
        int n = Words.Encode("red square top left", ids);
        Assert.Equal(4, n);
        Assert.Equal([3, 4, 5, 6], ids[..n]);
        Assert.Equal("red square top left", Words.Decode(ids.AsSpan(0, n)));
        // Decoding skips start and padding and stops at the first end.
        Assert.Equal("red top", Words.Decode([1, 3, 0, 5, 2, 6, 6]));
        Assert.Equal("redtop", Words.Decode([3, 5], separator: ""));
    }

    [Fact]
    public void UnknownWordsDuplicatesAndOverflowsAreNamed()
    {
        var e = Assert.Throws<ArgumentException>(() => Words.Encode("red circle", new int[4]));
        Assert.Contains("Word 1", e.Message);
        Assert.Contains("'circle'", e.Message);
        Assert.Contains("room for 2", Assert.Throws<ArgumentException>(() => Words.Encode("red square top", new int[2])).Message);
        Assert.Contains("'red' appears twice", Assert.Throws<ArgumentException>(() => new TokenVocabulary(["red", "red"])).Message);
        Assert.Throws<ArgumentException>(() => new TokenVocabulary(["<end>"]));
        Assert.Throws<ArgumentException>(() => new TokenVocabulary(["two words"]));
        Assert.Throws<ArgumentOutOfRangeException>(() => Words[7]);
    }

    [Fact]
    public void TheOldConstructorKeepsItsIdsAndHasNoUnknown()
    {
        var words = new TokenVocabulary(["red", "<unk>", " "]);
        Assert.Equal(["<pad>", "<start>", "<end>", "red", "<unk>", " "], words.Tokens);
        Assert.False(words.HasUnknown);
        Assert.Equal(-1, words.UnknownId);
        Assert.Equal(4, words.IdOf("<unk>"));       // an ordinary word here
        Assert.Equal(5, words.IdOrUnknown(" "));
        Assert.Equal("Token 'blue' is not in the vocabulary of 6 tokens, which has no <unk> to stand for it. (Parameter 'token')",
            Assert.Throws<ArgumentException>(() => words.IdOrUnknown("blue")).Message);
    }

    [Fact]
    public void WhitespaceIsATokenOnlyOnItsOwn()
    {
        var characters = new TokenVocabulary([" ", "\n", "\t", "a"], withUnknown: true);
        Assert.Equal(["<pad>", "<start>", "<end>", "<unk>", " ", "\n", "\t", "a"], characters.Tokens);
        Assert.Equal(4, characters.IdOrUnknown(" "));
        Assert.Throws<ArgumentException>(() => new TokenVocabulary([" a"]));
        Assert.Throws<ArgumentException>(() => new TokenVocabulary(["  "]));
        Assert.Throws<ArgumentException>(() => new TokenVocabulary(["<unk>"], withUnknown: true));
    }

    [Fact]
    public void BuildOrdersWordsByCountThenOrdinallyAndMapsTheRestToUnknown()
    {
        string[] texts = ["the cat sat", "the  dog\tsat\n", "The cat <unk> the end", "<end> <pad>"];
        var all = TokenVocabulary.Build(texts, SymbolLevel.Words);
        Assert.True(all.HasUnknown);
        Assert.Equal(3, all.UnknownId);
        Assert.Equal(["<pad>", "<start>", "<end>", "<unk>", "the", "cat", "sat", "The", "dog", "end"], all.Tokens);
        Assert.Equal([4, 5, 3, 3, 7], all.EncodeSymbols(TokenVocabulary.Split("the cat <unk> bird The", SymbolLevel.Words)));

        var frequent = TokenVocabulary.Build(texts, SymbolLevel.Words, minCount: 2);
        Assert.Equal(["<pad>", "<start>", "<end>", "<unk>", "the", "cat", "sat"], frequent.Tokens);
        Assert.Equal([4, 3, 6], frequent.EncodeSymbols(["the", "dog", "sat"]));

        var closed = TokenVocabulary.Build(["b a b", "a c"], SymbolLevel.Words, withUnknown: false);
        Assert.Equal(["<pad>", "<start>", "<end>", "a", "b", "c"], closed.Tokens);
        Assert.Throws<ArgumentException>(() => closed.EncodeSymbols(["d"]));
        Assert.Throws<ArgumentOutOfRangeException>(() => TokenVocabulary.Build(texts, SymbolLevel.Words, minCount: 0));
    }

    [Fact]
    public void CharacterSymbolsAreRunes()
    {
        const string Text = "ąą😀 a\n";
        Assert.Equal(["ą", "ą", "😀", " ", "a", "\n"], TokenVocabulary.Split(Text, SymbolLevel.Characters));
        Assert.Equal(["ąą😀", "a"], TokenVocabulary.Split(Text, SymbolLevel.Words));
        Assert.Empty(TokenVocabulary.Split(" \t\n ", SymbolLevel.Words));

        var characters = TokenVocabulary.Build([Text, "a"], SymbolLevel.Characters);
        // ą and a twice, then the rest by ordinal order of their UTF-16 code units (a surrogate pair sorts above U+0105).
        Assert.Equal(["<pad>", "<start>", "<end>", "<unk>", "a", "ą", "\n", " ", "😀"], characters.Tokens);
        Assert.Equal([5, 8, 7, 3], characters.EncodeSymbols(TokenVocabulary.Split("ą😀 ę", SymbolLevel.Characters)));
        Assert.Equal("ą😀 ", characters.Decode([5, 8, 7], separator: ""));
    }

    [Fact]
    public void DecoderSequencesShiftTheSentenceByOneStep()
    {
        var sequences = new DecoderSequences(rows: 2, maxTokens: 4);
        Assert.Equal(5, sequences.Steps);
        sequences.SetRow(1, [3, 4, 5]);
        Assert.Equal([0, 0, 0, 0, 0, 1, 3, 4, 5, 0], sequences.Inputs);
        Assert.Equal([0, 0, 0, 0, 0, 3, 4, 5, 2, 0], sequences.Targets);
        Assert.Equal([0, 4], sequences.Lengths);
        sequences.SetRow(1, [6]);
        Assert.Equal([1, 6, 0, 0, 0], sequences.Inputs[5..]);
        Assert.Equal([6, 2, 0, 0, 0], sequences.TargetRow(1).ToArray());
        sequences.ClearRow(1);
        Assert.All(sequences.Inputs, id => Assert.Equal(0, id));
        Assert.Equal(0, sequences.Lengths[1]);
        Assert.Contains("at most 4", Assert.Throws<ArgumentException>(() => sequences.SetRow(0, [3, 3, 3, 3, 3])).Message);
        Assert.Contains("Row 2", Assert.Throws<ArgumentOutOfRangeException>(() => sequences.SetRow(2, [3])).Message);
    }
}
