using System.Globalization;
using System.Text;

namespace Recurrent.Tests.Cli.Tasks;

/// <summary>
/// Small generated data sets with a rule a recurrent model can learn in seconds, one per task shape and file layout,
/// written to a temporary folder that is deleted with the fixture.
/// </summary>
public sealed class TaskDataFiles : IDisposable
{
    public TaskDataFiles()
    {
        Folder = Directory.CreateTempSubdirectory("recurrent-tasks-").FullName;
        var rng = new Random(7);
        // classify: a word's "language" is decided by its last letter (a → one, o → two, e → three).
        var words = new StringBuilder("word\tlanguage\n");
        for (int i = 0; i < 600; i++)
        {
            string stem = RandomWord(rng, 2, 6, "bcdfgklmnprst");
            char end = "aoe"[i % 3];
            words.Append(stem).Append(end).Append('\t').Append(end switch { 'a' => "one", 'o' => "two", _ => "three" }).Append('\n');
        }
        Write("words.tsv", words.ToString());
        // classify, numeric, one row per sample: 3 steps of 2 values; the label says which step holds the largest value.
        var wide = new StringBuilder("id,a0,a1,b0,b1,c0,c1,label\n");
        for (int i = 0; i < 600; i++)
        {
            int hot = i % 3;
            wide.Append(i);
            for (int s = 0; s < 3; s++) wide.Append(',').Append(F(rng.NextDouble() + (s == hot ? 2 : 0))).Append(',').Append(F(rng.NextDouble()));
            wide.Append(',').Append("xyz"[hot]).Append('\n');
        }
        Write("wide.csv", wide.ToString());
        // classify, numeric, one row per step with a sequence id: the label is the sign of the sum of v.
        var steps = new StringBuilder("seq,t,v,label\n");
        for (int i = 0; i < 300; i++)
        {
            int length = 3 + i % 4;
            double sign = i % 2 == 0 ? 1 : -1;
            for (int t = 0; t < length; t++) steps.Append("s").Append(i).Append(',').Append(t).Append(',').Append(F(sign * (0.5 + rng.NextDouble()))).Append(',').Append(sign > 0 ? "pos" : "neg").Append('\n');
        }
        Write("steps.csv", steps.ToString());
        // tag, JSONL: a token is V if it is a vowel, C if not, and P whatever it is when it follows "x" (context matters).
        var tagged = new StringBuilder();
        for (int i = 0; i < 400; i++)
        {
            var tokens = Enumerable.Range(0, 3 + i % 5).Select(_ => "aebcdx"[rng.Next(6)].ToString()).ToArray();
            var tags = tokens.Select((t, k) => k > 0 && tokens[k - 1] == "x" ? "P" : "ae".Contains(t[0]) ? "V" : "C");
            tagged.Append("{\"input\":[").Append(string.Join(',', tokens.Select(t => $"\"{t}\""))).Append("],\"tags\":[")
                .Append(string.Join(',', tags.Select(t => $"\"{t}\""))).Append("]}\n");
        }
        Write("tagged.jsonl", tagged.ToString());
        // seq2seq: copy a word into upper-case letters separated by spaces ("abc" → "A B C").
        var pairs = new StringBuilder("word\tletters\n");
        for (int i = 0; i < 800; i++)
        {
            string w = RandomWord(rng, 2, 4, "abcdef");
            pairs.Append(w).Append('\t').Append(string.Join(' ', w.ToUpperInvariant().ToCharArray())).Append('\n');
        }
        Write("pairs.tsv", pairs.ToString());
        // forecast: a noisy sine with a period of 12 steps, and a second column that follows it with a lag.
        var series = new StringBuilder("year,y,z\n");
        for (int t = 0; t < 240; t++)
        {
            double y = 10 + 5 * Math.Sin(2 * Math.PI * t / 12) + 0.3 * (rng.NextDouble() - 0.5);
            double z = 3 + Math.Sin(2 * Math.PI * (t - 2) / 12);
            series.Append(1800 + t).Append(',').Append(F(y)).Append(',').Append(F(z)).Append('\n');
        }
        Write("series.csv", series.ToString());
    }

    public string Folder { get; }

    public string PathOf(string name) => System.IO.Path.Combine(Folder, name);

    public string Write(string name, string content)
    {
        string path = PathOf(name);
        File.WriteAllText(path, content);
        return path;
    }

    public void Dispose()
    {
        try { Directory.Delete(Folder, recursive: true); } catch (IOException) { }
    }

    private static string RandomWord(Random rng, int min, int max, string letters) =>
        new([.. Enumerable.Range(0, rng.Next(min, max + 1)).Select(_ => letters[rng.Next(letters.Length)])]);

    private static string F(double v) => v.ToString("F4", CultureInfo.InvariantCulture);
}
