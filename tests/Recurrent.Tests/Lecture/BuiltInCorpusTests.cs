using Recurrent.Data.Text;
using Recurrent.Lecture.Data;
using Recurrent.Tests.Oracles;

namespace Recurrent.Tests.Lecture;

public sealed class BuiltInCorpusTests : IDisposable
{
    private readonly DirectoryInfo _folder = Directory.CreateTempSubdirectory("recurrent-sources-");

    public void Dispose() => _folder.Delete(recursive: true);

    [Fact]
    public void SourcesAreConcatenatedInPathOrderWithoutBuildOutput()
    {
        Write("b/Second.cs", "class B {}\r\n");
        Write("a/First.cs", "\uFEFFclass A {}");
        Write("Root.cs", "class R {}\n");
        Write("obj/Release/Generated.cs", "generated");
        Write("a/bin/Copy.cs", "copied");
        Write(".hidden/X.cs", "hidden");
        Write("a/notes.txt", "not C#");
        string text = BuiltInCorpus.FromDirectory(_folder.FullName);
        Assert.Equal(
            "// File: Root.cs\nclass R {}\n// File: a/First.cs\nclass A {}\n// File: b/Second.cs\nclass B {}\n",
            text);
    }

    [Fact]
    public void AMissingOrEmptyTreeIsNamed()
    {
        string missing = Path.Combine(_folder.FullName, "nope");
        Assert.Contains(missing, Assert.Throws<DirectoryNotFoundException>(() => BuiltInCorpus.FromDirectory(missing)).Message);
        Write("obj/Only.cs", "generated");
        Assert.Contains("no .cs file", Assert.Throws<InvalidDataException>(() => BuiltInCorpus.FromDirectory(_folder.FullName)).Message);
    }

    [Fact]
    public void TheRepositorysSourcesMakeATrainableCorpus()
    {
        string src = Path.Combine(OracleFolder.RepositoryRoot, "src");
        var corpus = BuiltInCorpus.LoadSourceTree(src);
        Assert.Contains("// File: Recurrent/Tensors/Rng.cs\n", corpus.Text);
        Assert.Contains("// File: Recurrent.Lecture/Data/BuiltInCorpus.cs\n", corpus.Text);
        Assert.DoesNotContain("// File: Recurrent.Onnx/Proto/Onnx.g.cs\n", corpus.Text); // generated code is not what people wrote
        string[] files = corpus.Text.Split('\n').Where(l => l.StartsWith("// File: ", StringComparison.Ordinal)).ToArray();
        Assert.DoesNotContain(files, l => l.Contains("obj/", StringComparison.Ordinal) || l.Contains("bin/", StringComparison.Ordinal));
        Assert.Equal(files.Order(StringComparer.Ordinal), files);
        Assert.DoesNotContain('\r', corpus.Text);
        Assert.InRange(corpus.Vocabulary.Count, 60, 300);
        _ = new StreamBatcher(corpus, 32, 128);
    }

    [Fact]
    public void TheEmbeddedCorpusIsTheSourceTreeOrExplainsItsAbsence()
    {
        if (BuiltInCorpus.IsAvailable)
        {
            Assert.Equal(BuiltInCorpus.FromDirectory(Path.Combine(OracleFolder.RepositoryRoot, "src")), BuiltInCorpus.Text);
        }
        else
        {
            var e = Assert.Throws<InvalidOperationException>(() => BuiltInCorpus.Text);
            Assert.Contains(BuiltInCorpus.ResourcePrefix, e.Message);
        }
    }

    private void Write(string relative, string content)
    {
        string path = Path.Combine(_folder.FullName, relative);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.WriteAllText(path, content);
    }
}
