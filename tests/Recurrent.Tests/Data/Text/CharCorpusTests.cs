using System.Text;
using Recurrent.Data.Text;
using Recurrent.Tensors;
using Recurrent.Tests.Oracles;

namespace Recurrent.Tests.Data.Text;

public sealed class CharCorpusTests : IDisposable
{
    private readonly DirectoryInfo _folder = Directory.CreateTempSubdirectory("recurrent-corpus-");

    public void Dispose() => _folder.Delete(recursive: true);

    [Theory]
    [InlineData(1000, 0.1, 900)]
    [InlineData(10, 0.3, 7)]
    [InlineData(1115394, 0.1, 1003854)] // nanoGPT's shakespeare_char: 1,003,854 train and 111,540 validation characters
    [InlineData(50, 0.0, 50)]
    public void TrainIsTheFirstPartAndValidationTheRest(int length, double fraction, int trainLength)
    {
        var text = new StringBuilder(length);
        for (int i = 0; i < length; i++) text.Append((char)('a' + i % 26));
        var corpus = CharCorpus.FromText(text.ToString(), "letters", fraction);
        Assert.Equal(trainLength, corpus.TrainLength);
        Assert.Equal(length - trainLength, corpus.ValidationLength);
        Assert.Equal(corpus.Ids[..trainLength].ToArray(), corpus.Train.ToArray());
        Assert.Equal(corpus.Ids[trainLength..].ToArray(), corpus.Validation.ToArray());
        Assert.Equal(text.ToString(), corpus.Vocabulary.Decode(corpus.Ids.Span));
    }

    [Fact]
    public void LoadReadsUtf8AndDropsTheByteOrderMark()
    {
        string path = Write("bom.txt", [0xEF, 0xBB, 0xBF, .. "añb\n"u8]);
        var corpus = CharCorpus.Load(path);
        Assert.Equal("añb\n", corpus.Text);
        Assert.Equal(path, corpus.Name);
        Assert.Equal(4, corpus.Vocabulary.Count);
    }

    [Fact]
    public void AMissingFileIsNamed()
    {
        string path = Path.Combine(_folder.FullName, "nowhere.txt");
        var e = Assert.Throws<FileNotFoundException>(() => CharCorpus.Load(path));
        AssertOneLineNaming(e, path, "does not exist");
    }

    [Fact]
    public void AnEmptyFileIsRejected()
    {
        string path = Write("empty.txt", []);
        AssertOneLineNaming(Assert.Throws<InvalidDataException>(() => CharCorpus.Load(path)), path, "is empty");
        string bomOnly = Write("bom-only.txt", [0xEF, 0xBB, 0xBF]);
        AssertOneLineNaming(Assert.Throws<InvalidDataException>(() => CharCorpus.Load(bomOnly)), bomOnly, "is empty");
    }

    [Fact]
    public void ABinaryFileIsRejectedAtItsFirstNulByte()
    {
        string path = Write("model.bin", [(byte)'a', (byte)'b', 0, 7, 0]);
        AssertOneLineNaming(Assert.Throws<InvalidDataException>(() => CharCorpus.Load(path)), path, "NUL byte at offset 2");
    }

    [Fact]
    public void InvalidUtf8IsRejectedWithTheOffendingByte()
    {
        string path = Write("latin1.txt", [(byte)'c', (byte)'a', (byte)'f', 0xE9, (byte)'!']);
        AssertOneLineNaming(Assert.Throws<InvalidDataException>(() => CharCorpus.Load(path)), path, "invalid byte 0xE9 at offset 3");
    }

    [Fact]
    public void ASingleDistinctCharacterIsRejected()
    {
        string path = Write("aaaa.txt", "aaaaaaaa"u8.ToArray());
        AssertOneLineNaming(Assert.Throws<InvalidDataException>(() => CharCorpus.Load(path)), path, "single distinct character ('a' (U+0061))");
        Assert.Throws<InvalidDataException>(() => CharCorpus.FromText("\n\n\n"));
    }

    [Fact]
    public void ACorpusShorterThanOneWindowPlusOneIsRejectedByItsBatchers()
    {
        string path = Write("short.txt", "abcdefghij"u8.ToArray()); // 10 characters, 9 in the training split
        var corpus = CharCorpus.Load(path);
        var e = Assert.Throws<InvalidDataException>(() => new RandomWindowBatcher(corpus, 2, 9, new Rng(1)));
        AssertOneLineNaming(e, path, "training split has 9 characters; a window of T = 9 (T + 1 characters) needs at least 10");
        _ = new RandomWindowBatcher(corpus, 2, 8, new Rng(1));
        var streams = Assert.Throws<InvalidDataException>(() => new StreamBatcher(corpus, 2, 5));
        AssertOneLineNaming(streams, path, "B = 2 streams of windows of T = 5 (B·T + 1 characters) needs at least 11");
        Assert.Equal(1, new StreamBatcher(corpus, 2, 4).WindowsPerEpoch);
    }

    [Fact]
    public void AGivenVocabularyIsUsedAndCharactersOutsideItAreNamed()
    {
        var vocabulary = CharVocabulary.FromText("abcdef");
        var corpus = CharCorpus.FromText("fade", vocabulary: vocabulary);
        Assert.Same(vocabulary, corpus.Vocabulary);
        Assert.Equal([5, 0, 3, 4], corpus.Ids.ToArray());
        var e = Assert.Throws<InvalidDataException>(() => CharCorpus.FromText("faze", "checkpoint text", vocabulary: vocabulary));
        Assert.Contains("'checkpoint text'", e.Message);
        Assert.Contains("'z' (U+007A) at position 2 (line 1, column 3)", e.Message);
        var multiline = Assert.Throws<InvalidDataException>(() => CharCorpus.FromText("fa\nde\nbz", vocabulary: CharVocabulary.FromText("abcdef\n")));
        Assert.Contains("'z' (U+007A) at position 7 (line 3, column 2)", multiline.Message);
    }

    [Fact]
    public void ValidationFractionMustBeInZeroOne()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => CharCorpus.FromText("abc", validationFraction: 1.0));
        Assert.Throws<ArgumentOutOfRangeException>(() => CharCorpus.FromText("abc", validationFraction: -0.1));
        Assert.Throws<ArgumentOutOfRangeException>(() => CharCorpus.FromText("abc", validationFraction: double.NaN));
    }

    [Fact]
    public void TinyShakespeareHasNanoGptsNumbersWhenPresent()
    {
        string path = Path.Combine(OracleFolder.RepositoryRoot, "../shared/data/tinyshakespeare.txt");
        if (!File.Exists(path)) return; // the real corpus is optional; the in-memory tests cover the logic
        var corpus = CharCorpus.Load(path);
        Assert.Equal(1115394, corpus.Length);
        Assert.Equal(65, corpus.Vocabulary.Count);
        Assert.Equal("\n !$&',-.3:;?ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz", corpus.Vocabulary.Symbols.ToString());
        Assert.Equal(1003854, corpus.TrainLength);
        Assert.Equal(111540, corpus.ValidationLength);
        Assert.StartsWith("First Citizen:", corpus.Text);
    }

    private string Write(string name, byte[] bytes)
    {
        string path = Path.Combine(_folder.FullName, name);
        File.WriteAllBytes(path, bytes);
        return path;
    }

    private static void AssertOneLineNaming(Exception e, string path, string problem)
    {
        Assert.Contains($"'{path}'", e.Message);
        Assert.Contains(problem, e.Message);
        Assert.DoesNotContain('\n', e.Message);
    }
}
