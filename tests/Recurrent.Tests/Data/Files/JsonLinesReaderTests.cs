using System.Text;
using System.Text.Json;
using Recurrent.Data.Files;

namespace Recurrent.Tests.Data.Files;

public class JsonLinesReaderTests
{
    private static JsonLinesReader Jsonl(string text) => new(new StringReader(text), "data.jsonl");

    private static string Problem(Action read) => Assert.Throws<InvalidDataException>(read).Message;

    [Fact]
    public void ObjectsAreReadLineByLineSkippingBlankLines()
    {
        using var reader = Jsonl("\uFEFF{\"text\": \"héllo 🐢\", \"n\": 3}\r\n\n   \n{\"text\": \"bye\"}");
        Assert.Equal(0, reader.Line);
        Assert.Throws<InvalidOperationException>(() => reader.Current);
        Assert.True(reader.Read());
        Assert.Equal(1, reader.Line);
        Assert.Equal("héllo 🐢", reader.Text("text"));
        JsonElement first = reader.Current;
        Assert.True(reader.Has("n"));
        Assert.True(reader.Read());
        Assert.Equal(4, reader.Line);
        Assert.Equal("bye", reader.Text("text"));
        Assert.False(reader.Has("n"));
        Assert.Equal(3, first.GetProperty("n").GetInt32());   // the previous object outlives the next Read
        Assert.False(reader.Read());
        Assert.Throws<InvalidOperationException>(() => reader.Text("text"));
    }

    [Fact]
    public void ALineThatIsNotAJsonObjectIsNamed()
    {
        using var reader = Jsonl("{\"a\": 1}\n[1, 2]\n\"text\"\n{\"a\": 1\n{\"a\": 1} {\"b\": 2}\n{\"a\": x}\nnot json\n{\"a\": 2}\n");
        Assert.True(reader.Read());
        Assert.Equal("data.jsonl:2: not a JSON object (the line is an Array).", Problem(() => reader.Read()));
        Assert.Equal("data.jsonl:3: not a JSON object (the line is a String).", Problem(() => reader.Read()));
        string unclosed = Problem(() => reader.Read());
        Assert.StartsWith("data.jsonl:4: not a JSON object (invalid JSON at column 8: ", unclosed);
        Assert.EndsWith(").", unclosed);
        Assert.Equal("data.jsonl:5: not a JSON object (invalid JSON at column 10: '{' is invalid after a single JSON value. Expected end of data).", Problem(() => reader.Read()));
        Assert.Equal("data.jsonl:6: not a JSON object (invalid JSON at column 7: 'x' is an invalid start of a value).", Problem(() => reader.Read()));
        Assert.Equal("data.jsonl:7: not a JSON object (invalid JSON at column 2: 'not json' is an invalid JSON literal. Expected the literal 'null').", Problem(() => reader.Read()));
        Assert.True(reader.Read());                 // a bad line leaves the reader on the next one
        Assert.Equal(8, reader.Line);
    }

    [Fact]
    public void MissingAndMistypedFieldsAreNamed()
    {
        using var reader = Jsonl("{\"text\": 5, \"none\": null, \"refs\": [], \"mixed\": [\"a\", 2], \"flag\": true, \"obj\": {}}\n");
        Assert.True(reader.Read());
        Assert.Equal("data.jsonl:1: field 'label' is missing.", Problem(() => reader.Text("label")));
        Assert.Equal("data.jsonl:1: field 'text' is a Number; expected a string.", Problem(() => reader.Text("text")));
        Assert.Equal("data.jsonl:1: field 'none' is null; expected a string.", Problem(() => reader.Text("none")));
        Assert.Equal("data.jsonl:1: field 'flag' is a Boolean; expected a string.", Problem(() => reader.Text("flag")));
        Assert.Equal("data.jsonl:1: field 'refs' is an empty array; expected at least one string.", Problem(() => reader.Texts("refs")));
        Assert.Equal("data.jsonl:1: field 'mixed'[1] is a Number; expected a string.", Problem(() => reader.Texts("mixed")));
        Assert.Equal("data.jsonl:1: field 'obj' is an Object; expected a string or an array of strings.", Problem(() => reader.Tokens("obj")));
        Assert.Equal("data.jsonl:1: field 'text' is a Number; expected a string or an array of strings.", Problem(() => reader.Texts("text")));
        Assert.False(reader.Has("none"));
        Assert.Equal("data.jsonl:1: field 'tags': 3 tags for 2 tokens.", reader.Error("tags", "3 tags for 2 tokens.").Message);
        Assert.Equal("data.jsonl:1: too short.", reader.Error("too short.").Message);
    }

    [Fact]
    public void TextsAndTokensTakeAStringOrAnArray()
    {
        using var reader = Jsonl("{\"refs\": \"one ref\", \"tokens\": \" New  York\\tis big \"}\n{\"refs\": [\"a\", \"b c\"], \"tokens\": [\"New York\", \"is\"], \"empty\": \"  \"}\n");
        Assert.True(reader.Read());
        Assert.Equal(["one ref"], reader.Texts("refs"));
        Assert.Equal(["New", "York", "is", "big"], reader.Tokens("tokens"));
        Assert.True(reader.Read());
        Assert.Equal(["a", "b c"], reader.Texts("refs"));
        Assert.Equal(["New York", "is"], reader.Tokens("tokens"));
        Assert.Empty(reader.Tokens("empty"));
    }

    [Fact]
    public void OpenReadsUtf8FilesAndNamesBadBytesWithTheirLine()
    {
        string dir = Directory.CreateTempSubdirectory("recurrent-readers").FullName;
        try
        {
            string good = Path.Combine(dir, "good.jsonl"), bad = Path.Combine(dir, "bad.jsonl");
            File.WriteAllText(good, "{\"text\": \"zażółć\"}\n", new UTF8Encoding(encoderShouldEmitUTF8Identifier: true));
            File.WriteAllBytes(bad, [.. "{\"a\": \"x\"}\n{\"a\": \""u8, 0xC3, 0x28, .. "\"}\n"u8]);
            using (var reader = JsonLinesReader.Open(good))
            {
                Assert.Equal(good, reader.Name);
                Assert.True(reader.Read());
                Assert.Equal("zażółć", reader.Text("text"));
                Assert.False(reader.Read());
            }
            using (var reader = JsonLinesReader.Open(bad))
            {
                Assert.True(reader.Read());
                Assert.Equal($"{bad}:2: invalid UTF-8 byte 0xC3 at byte 18 of the file; expected UTF-8 text.", Problem(() => reader.Read()));
            }
            Assert.Throws<FileNotFoundException>(() => JsonLinesReader.Open(Path.Combine(dir, "missing.jsonl")));
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    [Fact]
    public void ALineLongerThanTheLimitIsNamed()
    {
        using var reader = new JsonLinesReader(new StringReader("{}\n{\"a\": \"" + new string('x', 300) + "\"}\n"), "data.jsonl", maxChars: 128);
        Assert.True(reader.Read());
        Assert.Equal("data.jsonl:2: a line longer than 128 characters; expected one JSON object per line.", Problem(() => reader.Read()));
    }

    [Fact]
    public void MutatedFilesFailOnlyWithOneLineInvalidDataErrors()
    {
        const string Valid = "{\"text\": \"a b\", \"refs\": [\"x\", \"y\\n\"]}\n\n{\"text\": \"c\", \"refs\": \"z\"}\r\n";
        var rng = new Random(54321);
        char[] alphabet = ['{', '}', '[', ']', '"', ':', ',', '\n', '\\', '1', 'a', ' '];
        for (int trial = 0; trial < 2000; trial++)
        {
            var text = new StringBuilder(Valid);
            for (int m = rng.Next(1, 4); m > 0; m--)
            {
                int at = rng.Next(text.Length + 1);
                if (rng.Next(2) == 0) text.Insert(at, alphabet[rng.Next(alphabet.Length)]);
                else if (at < text.Length) text.Remove(at, 1);
            }
            using var reader = new JsonLinesReader(new StringReader(text.ToString()), "fuzz.jsonl");
            while (true)
            {
                try
                {
                    if (!reader.Read()) break;
                    _ = reader.Text("text");
                    _ = reader.Texts("refs");
                    _ = reader.Tokens("text");
                }
                catch (InvalidDataException e)
                {
                    Assert.True(e.Message.StartsWith("fuzz.jsonl:", StringComparison.Ordinal) && !e.Message.Contains('\n') && !e.Message.Contains('\r'), e.Message);
                }
            }
        }
    }
}
