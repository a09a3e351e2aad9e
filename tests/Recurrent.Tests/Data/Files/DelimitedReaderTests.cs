using System.Text;
using Recurrent.Data.Files;

namespace Recurrent.Tests.Data.Files;

public class DelimitedReaderTests
{
    private static DelimitedReader Csv(string text, char delimiter = ',') => new(new StringReader(text), "data.csv", delimiter);

    private static string Problem(Action read) => Assert.Throws<InvalidDataException>(read).Message;

    /// <summary>Every record of <paramref name="text"/> as <c>line: field|field|…</c>.</summary>
    private static List<string> ReadAll(string text, char delimiter = ',')
    {
        using var reader = Csv(text, delimiter);
        var records = new List<string>();
        while (reader.Read()) records.Add($"{reader.Line}: {string.Join('|', Enumerable.Range(0, reader.Columns.Count).Select(reader.Text))}");
        return records;
    }

    [Fact]
    public void HeaderNamesTheColumnsAndRecordsFollowWithTheirLines()
    {
        using var reader = Csv("a, b ,c\n1,2,3\n\n  \n4,5,6");
        Assert.Equal(["a", "b", "c"], reader.Columns);
        Assert.Equal(1, reader.Line);
        Assert.True(reader.Read());
        Assert.Equal(2, reader.Line);
        Assert.Equal("2", reader.Text(1));
        Assert.Equal(3.0, reader.Number(2));
        Assert.True(reader.Read());
        Assert.Equal(5, reader.Line);               // blank and whitespace-only lines are skipped
        Assert.Equal("4", reader.Field(0).ToString());
        Assert.False(reader.Read());
        Assert.False(reader.Read());
    }

    [Theory]
    [InlineData("")]
    [InlineData("\n\n  \r\n")]
    [InlineData("\uFEFF")]
    public void AnEmptyFileIsNamed(string text) =>
        Assert.Equal("data.csv: the file is empty; expected a header line.", Problem(() => Csv(text)));

    [Fact]
    public void DuplicateAndEmptyHeaderNamesAreNamed()
    {
        Assert.Equal("data.csv:1: column 'a' appears twice in the header (columns 1 and 3); column names must be distinct.", Problem(() => Csv("a,b,a\n1,2,3\n")));
        Assert.Equal("data.csv:1: column 'b' appears twice in the header (columns 2 and 3); column names must be distinct.", Problem(() => Csv("a,b, b \n")));
        Assert.Equal("data.csv:2: column 2 of the header has no name; every column needs one.", Problem(() => Csv("\na,,c\n")));
    }

    [Fact]
    public void ColumnsAreFoundExactlyThenIgnoringCase()
    {
        using var reader = Csv("Date,value,VALUE,Ab,aB\n");
        Assert.Equal(0, reader.Column("Date"));
        Assert.Equal(0, reader.Column("date"));
        Assert.Equal(1, reader.Column("value"));
        Assert.Equal(2, reader.Column("VALUE"));
        Assert.Equal(3, reader.Column(" Ab "));
        Assert.Equal("data.csv: no column 'ab'; 2 columns differ from it only in case: Ab, aB.", Problem(() => reader.Column("ab")));
        Assert.Equal("data.csv: no column 'x'; the columns are Date, value, VALUE, Ab, aB.", Problem(() => reader.Column("x")));
    }

    [Fact]
    public void AnUnknownColumnListsAtMostTwentyNames()
    {
        using var reader = Csv(string.Join(',', Enumerable.Range(0, 25).Select(i => $"c{i}")) + "\n");
        string twenty = string.Join(", ", Enumerable.Range(0, 20).Select(i => $"c{i}"));
        Assert.Equal($"data.csv: no column 'x'; the columns are {twenty}, ….", Problem(() => reader.Column("x")));
    }

    [Fact]
    public void RaggedRowsAreNamedAndTheReaderGoesOn()
    {
        using var reader = Csv("a,b,c\n1,2\n1,2,3,4\n5\n6,7,8\n");
        Assert.Equal("data.csv:2: 2 fields; the header has 3 (ragged row).", Problem(() => reader.Read()));
        Assert.Equal("data.csv:3: 4 fields; the header has 3 (ragged row).", Problem(() => reader.Read()));
        Assert.Equal("data.csv:4: 1 field; the header has 3 (ragged row).", Problem(() => reader.Read()));
        Assert.True(reader.Read());
        Assert.Equal(5, reader.Line);
        Assert.Equal("8", reader.Text(2));
    }

    [Fact]
    public void QuotedFieldsHoldDelimitersQuotesAndLineBreaks()
    {
        Assert.Equal(
            ["2: Smith, J|He said \"hi\"\nthen left|3", "4: next|plain|4", "5: |a\"|\""],
            ReadAll("name,text,n\n\"Smith, J\",\"He said \"\"hi\"\"\nthen left\",3\nnext,plain,4\n\"\",\"a\"\"\",\"\"\"\"\n"));
        // A quote inside an unquoted field is an ordinary character; a quoted last field may be followed by an empty one.
        Assert.Equal(["2: 5\" screen|"], ReadAll("a,b\n5\" screen,\n"));
        Assert.Equal(["2: x|"], ReadAll("a,b\n\"x\","));
        // A blank line inside quotes is part of the field.
        Assert.Equal(["2: 1\n\n2|z", "5: 3|4"], ReadAll("a,b\n\"1\n\n2\",z\n3,4\n"));
    }

    [Fact]
    public void AnUnterminatedQuoteNamesTheLineWhereItOpened()
    {
        Assert.Equal("data.csv:2: column 'b': unterminated quote: the file ends before the field's closing quote.",
            Problem(() => ReadAll("a,b\n1,\"x\n2,3\n")));
        Assert.Equal("data.csv:3: column 'b': unterminated quote: the file ends before the field's closing quote.",
            Problem(() => ReadAll("a,b\n\"multi\nline\",\"open\nmore\n")));
        Assert.Equal("data.csv:1: field 2: unterminated quote: the file ends before the field's closing quote.",
            Problem(() => Csv("a,\"b\n")));
        Assert.Equal("data.csv:2: column 'a': 'c' after the closing quote; a quoted field must end at a delimiter or the end of the line.",
            Problem(() => ReadAll("a,b\n\"ab\"c,d\n")));
    }

    [Fact]
    public void ARecordLongerThanTheLimitIsNamed()
    {
        string text = "a,b\n1,\"open\n" + new string('x', 200) + "\n";
        using var reader = new DelimitedReader(new StringReader(text), "data.csv", ',', maxChars: 128);
        Assert.Equal("data.csv:2: column 'b': a quoted field longer than 128 characters; is its closing quote missing?", Problem(() => reader.Read()));
        using var lines = new DelimitedReader(new StringReader("a\n" + new string('x', 300)), "data.csv", ',', maxChars: 128);
        Assert.Equal("data.csv:2: a line longer than 128 characters; expected lines of delimited text.", Problem(() => lines.Read()));
    }

    [Fact]
    public void NumbersMissingValuesAndTheirErrors()
    {
        using var reader = Csv("x,y\n1.5e3, -2 \n,NA\nn/a,NaN\nnull,   \nabc,1,5\n\"1,5\",Infinity\n1e999,-infinity\n");
        Assert.True(reader.Read());
        Assert.Equal(1500.0, reader.Number(0));
        Assert.Equal(-2.0, reader.Number(1));
        Assert.False(reader.IsMissing(0));
        for (int line = 3; line <= 5; line++)
        {
            Assert.True(reader.Read());
            Assert.True(reader.IsMissing(0) && reader.IsMissing(1));
        }
        Assert.Equal("data.csv:5: column 'y': missing value.", Problem(() => reader.Number(1)));
        Assert.Equal("data.csv:6: 3 fields; the header has 2 (ragged row).", Problem(() => reader.Read()));
        Assert.True(reader.Read());
        Assert.Equal("data.csv:7: column 'x': '1,5' is not a number (the decimal separator is '.').", Problem(() => reader.Number(0)));
        Assert.Equal("data.csv:7: column 'y': 'Infinity' is not a finite number.", Problem(() => reader.Number(1)));
        Assert.True(reader.Read());
        Assert.Equal("data.csv:8: column 'x': '1e999' is not a finite number.", Problem(() => reader.Number(0)));
        Assert.Equal("data.csv:8: column 'y': '-infinity' is not a finite number.", Problem(() => reader.Number(1)));

        using var text = Csv("price\nabc\n" + new string('z', 50) + "\n");
        Assert.True(text.Read());
        Assert.Equal("data.csv:2: column 'price': 'abc' is not a number.", Problem(() => text.Number(0)));
        Assert.True(text.Read());
        Assert.Equal($"data.csv:3: column 'price': '{new string('z', 40)}…' is not a number.", Problem(() => text.Number(0)));
    }

    [Fact]
    public void ErrorsQuotingMultiLineValuesStayOnOneLine()
    {
        using var reader = Csv("v\n\"a\nb\"\n");
        Assert.True(reader.Read());
        Assert.Equal("data.csv:2: column 'v': 'a b' is not a number.", Problem(() => reader.Number(0)));
        Assert.Equal("data.csv:2: column 'v': too long.", reader.Error(0, "too long.").Message);
        Assert.Equal("data.csv:2: no good.", reader.Error("no good.").Message);
    }

    [Fact]
    public void CrLfLineEndsAndAByteOrderMarkAreHandled()
    {
        Assert.Equal(["2: 1|2", "3: x\ny|q", "6: 3|"], ReadAll("\uFEFFa,b\r\n1,2\r\n\"x\r\ny\",\"q\"\r\n\r\n3,\r\n"));
        using var reader = Csv("\uFEFFa,b\r\n");
        Assert.Equal(["a", "b"], reader.Columns);
    }

    [Fact]
    public void TabSeparatedFieldsMayHoldCommas()
    {
        Assert.Equal(["2: Hello, world|1", "3: tab\tinside|0"], ReadAll("text\tlabel\nHello, world\t1\n\"tab\tinside\"\t0\n", '\t'));
    }

    [Fact]
    public void OpenPicksTheDelimiterByExtensionAndReadsUtf8WithOrWithoutBom()
    {
        string dir = Directory.CreateTempSubdirectory("recurrent-readers").FullName;
        try
        {
            string tsv = Path.Combine(dir, "data.TSV"), csv = Path.Combine(dir, "data.csv");
            File.WriteAllBytes(tsv, [.. "\uFEFF"u8, .. "mot\tn\nżółw, 🐢\t2\n"u8]);
            File.WriteAllText(csv, "a,b\n1,2\n", new UTF8Encoding(encoderShouldEmitUTF8Identifier: false));
            using (var reader = DelimitedReader.Open(tsv))
            {
                Assert.Equal('\t', reader.Delimiter);
                Assert.Equal(tsv, reader.Name);
                Assert.Equal(["mot", "n"], reader.Columns);
                Assert.True(reader.Read());
                Assert.Equal("żółw, 🐢", reader.Text(0));
            }
            using (var reader = DelimitedReader.Open(csv))
            {
                Assert.Equal(',', reader.Delimiter);
                Assert.True(reader.Read());
                Assert.Equal(2.0, reader.Number(1));
            }
            Assert.Throws<FileNotFoundException>(() => DelimitedReader.Open(Path.Combine(dir, "missing.csv")));
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    [Fact]
    public void BytesThatAreNotUtf8AreNamedWithTheirLine()
    {
        string dir = Directory.CreateTempSubdirectory("recurrent-readers").FullName;
        try
        {
            string bad = Path.Combine(dir, "bad.csv"), utf16 = Path.Combine(dir, "utf16.csv");
            File.WriteAllBytes(bad, [.. "a,b\n1,2\n3,"u8, 0xFF, .. "\n"u8]);
            File.WriteAllText(utf16, "a,b\n", Encoding.Unicode);
            using var reader = DelimitedReader.Open(bad);
            Assert.True(reader.Read());
            Assert.Equal($"{bad}:3: invalid UTF-8 byte 0xFF at byte 10 of the file; expected UTF-8 text.", Problem(() => reader.Read()));
            Assert.Equal($"{utf16}:1: the file starts with the UTF-16 byte-order mark 0xFF 0xFE; expected UTF-8 text (convert it with iconv -f UTF-16 -t UTF-8).",
                Problem(() => DelimitedReader.Open(utf16)));
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    [Fact]
    public void SelectionsTakeNamesGlobsAndRangesInOrderWithoutDuplicates()
    {
        string[] pixels = [.. Enumerable.Range(0, 64).Select(i => $"p{i / 8}{i % 8}")];
        using var reader = Csv("date," + string.Join(',', pixels) + ",label,Q1\n");
        int[] allPixels = [.. Enumerable.Range(1, 64)];
        Assert.Equal(allPixels, reader.SelectColumns("p*"));
        Assert.Equal(allPixels, reader.SelectColumns("p00:p77"));
        Assert.Equal([66, 0, 1, 2, 3, 4, 5, 6, 7, 8, 65], reader.SelectColumns(" q1 , date,p0*, p00 ,label,date"));
        Assert.Equal([63, 64, 65, 66], reader.SelectColumns("p76:"));
        Assert.Equal([0, 1], reader.SelectColumns(":p00"));
        Assert.Equal([9, 17, 25], reader.SelectColumns("p10,p20,p30"));
        Assert.Equal([1, 9, 17, 25, 33, 41, 49, 57], reader.SelectColumns("p*0"));
        Assert.Equal([10, 11, 12], reader.SelectColumns("p11:p13"));

        string columns = string.Join(", ", ["date", .. pixels[..19]]) + ", …";
        Assert.Equal($"data.csv: no column matches 'z*'; the columns are {columns}.", Problem(() => reader.SelectColumns("date,z*")));
        Assert.Equal($"data.csv: no column 'p99' (in the range 'p00:p99'); the columns are {columns}.", Problem(() => reader.SelectColumns("p00:p99")));
        Assert.Equal($"data.csv: no column 'x'; the columns are {columns}.", Problem(() => reader.SelectColumns("date,x")));
        Assert.Equal("data.csv: the column range 'p10:p07' runs backwards: 'p07' is column 9 and 'p10' column 10.", Problem(() => reader.SelectColumns("p10:p07")));
        Assert.Equal("data.csv: the column selection 'date,,label' has an empty item.", Problem(() => reader.SelectColumns("date,,label")));
    }

    [Fact]
    public void NamesWithStarsOrColonsAreMatchedExactlyFirst()
    {
        using var reader = Csv("a*,b:c,abc\n");
        Assert.Equal([0], reader.SelectColumns("a*"));
        Assert.Equal([1], reader.SelectColumns("b:c"));
        Assert.Equal([2, 0], reader.SelectColumns("a*c,a*"));
        Assert.True(DelimitedReader.Glob("p*x*", "p12x", ignoreCase: false));
        Assert.False(DelimitedReader.Glob("p*x", "p12xy", ignoreCase: false));
        Assert.True(DelimitedReader.Glob("P*", "p1", ignoreCase: true));
    }

    [Fact]
    public void MisuseIsAProgrammingError()
    {
        using var reader = Csv("a,b\n1,2\n");
        Assert.Throws<InvalidOperationException>(() => reader.Field(0).ToString());
        Assert.True(reader.Read());
        Assert.Throws<ArgumentOutOfRangeException>(() => reader.Text(2));
        Assert.Throws<ArgumentOutOfRangeException>(() => reader.Error(-1, "x"));
        Assert.False(reader.Read());
        Assert.Throws<InvalidOperationException>(() => reader.Text(0));
        Assert.Throws<ArgumentException>(() => Csv("a\n", '"'));
        reader.Dispose();
        Assert.Throws<ObjectDisposedException>(() => reader.Read());
    }

    /// <summary>
    /// 20 MB of CSV (quoted fields with commas and escaped quotes included) streamed from a generating reader: the
    /// reader's buffer stays at its first 64 Ki characters and a full pass allocates a few kilobytes, not the file.
    /// </summary>
    [Fact]
    public void AMultiMegabyteFileStreamsInBoundedMemory()
    {
        const int Rows = 650_000;
        using var source = new GeneratedCsv(Rows);
        using var reader = new DelimitedReader(source, "big.csv", ',');
        int id = reader.Column("id"), value = reader.Column("value"), text = reader.Column("text");
        long before = GC.GetAllocatedBytesForCurrentThread();
        long rows = 0, ids = 0;
        double values = 0;
        while (reader.Read())
        {
            rows++;
            ids += (long)reader.Number(id);
            values += reader.Number(value);
            if (!reader.Field(text).StartsWith("text, \"")) throw new InvalidOperationException($"Line {reader.Line}: {reader.Text(text)}");
        }
        long allocated = GC.GetAllocatedBytesForCurrentThread() - before;

        Assert.True(source.Chars > 20_000_000, $"{source.Chars} characters");
        Assert.Equal(Rows, rows);
        Assert.Equal(Rows + 1, reader.Line);
        Assert.Equal((long)Rows * (Rows + 1) / 2, ids);
        Assert.Equal(Enumerable.Range(1, Rows).Sum(i => i % 1000 + 0.5), values, 1e-6);
        Assert.Equal(1 << 16, reader.BufferCapacity);
        Assert.True(allocated < 64 * 1024, $"{allocated} bytes allocated reading {source.Chars} characters");
    }

    [Fact]
    public void MutatedFilesFailOnlyWithOneLineInvalidDataErrors()
    {
        const string Valid = "id,name,score\n1,\"Smith, J\",2.5\n2,\"say \"\"hi\"\"\nnow\",NA\n\n3,plain,-1e3\r\n";
        var rng = new Random(12345);
        char[] alphabet = [',', '"', '\n', '\r', ' ', 'a', '1', '.', '\t', 'é'];
        for (int trial = 0; trial < 2000; trial++)
        {
            var text = new StringBuilder(Valid);
            for (int m = rng.Next(1, 4); m > 0; m--)
            {
                int at = rng.Next(text.Length + 1);
                switch (rng.Next(3))
                {
                    case 0: text.Insert(at, alphabet[rng.Next(alphabet.Length)]); break;
                    case 1: if (at < text.Length) text.Remove(at, 1); break;
                    default: text.Length = at; break;
                }
            }
            try
            {
                using var reader = new DelimitedReader(new StringReader(text.ToString()), "fuzz.csv", ',', maxChars: 64);
                while (true)
                {
                    try
                    {
                        if (!reader.Read()) break;
                    }
                    catch (InvalidDataException e) when (e.Message.Contains("(ragged row)", StringComparison.Ordinal))
                    {
                        continue;
                    }
                    for (int c = 0; c < reader.Columns.Count; c++)
                    {
                        _ = reader.Text(c);
                        if (!reader.IsMissing(c)) _ = Record(() => reader.Number(c));
                    }
                }
            }
            catch (InvalidDataException e)
            {
                Assert.True(e.Message.StartsWith("fuzz.csv", StringComparison.Ordinal) && !e.Message.Contains('\n') && !e.Message.Contains('\r'), e.Message);
            }
        }

        static Exception? Record(Func<double> number)
        {
            try
            {
                number();
                return null;
            }
            catch (InvalidDataException e) when (!e.Message.Contains('\n'))
            {
                return e;
            }
        }
    }

    /// <summary>
    /// <c>id,value,text</c> then <paramref name="rows"/> records <c>i,(i mod 1000).5,"text, ""i"""</c>, made as they are
    /// read, without allocating, so the test's allocation count is the reader's.
    /// </summary>
    private sealed class GeneratedCsv(int rows) : TextReader
    {
        private readonly char[] _line = new char[64];
        private int _row = -1;
        private int _length;
        private int _offset;

        public long Chars { get; private set; }

        public override int Read(Span<char> buffer)
        {
            int written = 0;
            while (written < buffer.Length)
            {
                if (_offset == _length && !NextLine()) break;
                int n = Math.Min(buffer.Length - written, _length - _offset);
                _line.AsSpan(_offset, n).CopyTo(buffer[written..]);
                _offset += n;
                written += n;
            }
            Chars += written;
            return written;
        }

        public override int Read(char[] buffer, int index, int count) => Read(buffer.AsSpan(index, count));

        private bool NextLine()
        {
            if (++_row > rows) return false;
            Span<char> line = _line;
            if (_row == 0)
            {
                "id,value,text\n".CopyTo(line);
                _length = 14;
            }
            else
            {
                int n = 0;
                _row.TryFormat(line, out int w);
                n += w;
                line[n++] = ',';
                (_row % 1000).TryFormat(line[n..], out w);
                n += w;
                ".5,\"text, \"\"".CopyTo(line[n..]);
                n += 12;
                _row.TryFormat(line[n..], out w);
                n += w;
                "\"\"\"\n".CopyTo(line[n..]);
                n += 4;
                _length = n;
            }
            _offset = 0;
            return true;
        }
    }
}
