using Recurrent.Metrics;
using Recurrent.Tensors;

namespace Recurrent.Tests.Metrics;

/// <summary>The one-row Levenshtein distance against the full-matrix dynamic programme, and known pairs.</summary>
public class EditDistanceTests
{
    /// <summary>The naive reference: the whole (|a| + 1) × (|b| + 1) matrix D of Wagner and Fischer.</summary>
    private static int FullMatrix<T>(T[] a, T[] b) where T : IEquatable<T>
    {
        var d = new int[a.Length + 1, b.Length + 1];
        for (int i = 0; i <= a.Length; i++) d[i, 0] = i;
        for (int j = 0; j <= b.Length; j++) d[0, j] = j;
        for (int i = 1; i <= a.Length; i++)
            for (int j = 1; j <= b.Length; j++)
                d[i, j] = Math.Min(Math.Min(d[i - 1, j] + 1, d[i, j - 1] + 1), d[i - 1, j - 1] + (a[i - 1].Equals(b[j - 1]) ? 0 : 1));
        return d[a.Length, b.Length];
    }

    [Theory]
    [InlineData("kitten", "sitting", 3)]
    [InlineData("flaw", "lawn", 2)]
    [InlineData("", "", 0)]
    [InlineData("", "abc", 3)]
    [InlineData("abc", "", 3)]
    [InlineData("a", "a", 0)]
    [InlineData("a", "b", 1)]
    [InlineData("abc", "cab", 2)]
    [InlineData("intention", "execution", 5)]
    public void KnownPairs(string a, string b, int expected)
    {
        Assert.Equal(expected, EditDistance.Between<char>(a, b));
        Assert.Equal(expected, EditDistance.Between<char>(b, a));
    }

    public static TheoryData<int, int> Lengths()
    {
        int[] sizes = [0, 1, 7, 8, 9, 31, 33, 257];
        var data = new TheoryData<int, int>();
        foreach (int m in sizes)
            foreach (int n in sizes)
                data.Add(m, n);
        return data;
    }

    [Theory]
    [MemberData(nameof(Lengths))]
    public void AgreesWithTheFullMatrixOverRandomStrings(int m, int n)
    {
        var rng = new Rng((ulong)(1000 * m + n + 1));
        foreach (int alphabet in new[] { 2, 4, 26 })
        {
            char[] a = RandomText(rng, m, alphabet), b = RandomText(rng, n, alphabet);
            Assert.Equal(FullMatrix(a, b), EditDistance.Between<char>(a, b));
            Assert.Equal(FullMatrix(b, a), EditDistance.Between<char>(b, a));
            // A shared prefix and suffix leave the distance of the middles.
            char[] wrappedA = [.. "pre", .. a, .. "suf"], wrappedB = [.. "pre", .. b, .. "suf"];
            Assert.Equal(FullMatrix(a, b), EditDistance.Between<char>(wrappedA, wrappedB));
            // An edited copy: a few substitutions, deletions and insertions.
            char[] edited = Edit(rng, a, alphabet);
            Assert.Equal(FullMatrix(a, edited), EditDistance.Between<char>(a, edited));
        }
    }

    [Fact]
    public void LongSequencesPastTheStackRowAgreeWithTheFullMatrix()
    {
        var rng = new Rng(77);
        foreach (var (m, n) in new[] { (300, 257), (257, 600), (1000, 999) })
        {
            char[] a = RandomText(rng, m, 3), b = RandomText(rng, n, 3);
            Assert.Equal(FullMatrix(a, b), EditDistance.Between<char>(a, b));
        }
    }

    [Fact]
    public void StringTokens()
    {
        string[] a = ["k", "ae", "t", "s"], b = ["k", "aa", "t"];
        Assert.Equal(2, EditDistance.Between<string>(a, b));
        Assert.Equal(FullMatrix(a, b), EditDistance.Between<string>(a, b));
        // Symbols compare whole: "ae" and "a" differ.
        Assert.Equal(1, EditDistance.Between<string>(["ae"], ["a"]));
    }

    [Fact]
    public void ShortInputsAllocateNothing()
    {
        var rng = new Rng(3);
        char[] a = RandomText(rng, 255, 4), b = RandomText(rng, 240, 4);
        EditDistance.Between<char>(a, b);
        long before = GC.GetAllocatedBytesForCurrentThread();
        int d = EditDistance.Between<char>(a, b);
        long allocated = GC.GetAllocatedBytesForCurrentThread() - before;
        Assert.Equal(0, allocated);
        Assert.Equal(FullMatrix(a, b), d);
    }

    private static char[] RandomText(Rng rng, int length, int alphabet)
    {
        var text = new char[length];
        for (int i = 0; i < length; i++) text[i] = (char)('a' + rng.Next(alphabet));
        return text;
    }

    private static char[] Edit(Rng rng, char[] text, int alphabet)
    {
        var list = text.ToList();
        int edits = 1 + rng.Next(4);
        for (int e = 0; e < edits; e++)
        {
            int kind = rng.Next(3);
            if (kind == 0 || list.Count == 0) list.Insert(rng.Next(list.Count + 1), (char)('a' + rng.Next(alphabet)));
            else if (kind == 1) list.RemoveAt(rng.Next(list.Count));
            else list[rng.Next(list.Count)] = (char)('a' + rng.Next(alphabet));
        }
        return [.. list];
    }
}
