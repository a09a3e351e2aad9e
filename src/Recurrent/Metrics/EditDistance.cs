using System.Buffers;

namespace Recurrent.Metrics;

/// <summary>
/// The Levenshtein distance between two sequences: the fewest insertions, deletions and substitutions, each of cost 1,
/// that turn one into the other (Levenshtein 1966; the dynamic programme of Wagner and Fischer 1974).
/// </summary>
/// <remarks>
/// With D[i, j] the distance between the first i symbols of a and the first j of b:
/// D[i, 0] = i, D[0, j] = j, D[i, j] = min(D[i−1, j] + 1, D[i, j−1] + 1, D[i−1, j−1] + [a[i−1] ≠ b[j−1]]),
/// and the distance is D[|a|, |b|]. The programme keeps one row, over the shorter sequence.
/// </remarks>
public static class EditDistance
{
    /// <summary>Rows up to this many ints live on the stack; longer ones are rented from the shared array pool.</summary>
    private const int StackRow = 256;

    /// <summary>
    /// The Levenshtein distance D[|a|, |b|] between <paramref name="a"/> and <paramref name="b"/>, symbols compared with
    /// <see cref="IEquatable{T}.Equals(T)"/>. O(|a|·|b|) time and O(min(|a|, |b|)) memory; it allocates nothing when the
    /// shorter sequence, less the prefix and suffix the two share, has fewer than 256 symbols.
    /// </summary>
    /// <typeparam name="T">The symbol type (characters, tokens, phonemes).</typeparam>
    /// <param name="a">One sequence.</param>
    /// <param name="b">The other sequence.</param>
    /// <returns>The distance, between |(|a| − |b|)| and max(|a|, |b|); 0 exactly when the sequences are equal.</returns>
    public static int Between<T>(ReadOnlySpan<T> a, ReadOnlySpan<T> b) where T : IEquatable<T>
    {
        // A shared prefix or suffix costs nothing and does not change the distance of the rest.
        int prefix = 0;
        while (prefix < a.Length && prefix < b.Length && a[prefix].Equals(b[prefix])) prefix++;
        a = a[prefix..];
        b = b[prefix..];
        int suffix = 0;
        while (suffix < a.Length && suffix < b.Length && a[^(suffix + 1)].Equals(b[^(suffix + 1)])) suffix++;
        a = a[..^suffix];
        b = b[..^suffix];

        if (a.Length < b.Length)
        {
            var swap = a;
            a = b;
            b = swap;
        }
        if (b.Length == 0) return a.Length;

        int[]? rented = null;
        Span<int> row = b.Length + 1 <= StackRow
            ? stackalloc int[StackRow]
            : (rented = ArrayPool<int>.Shared.Rent(b.Length + 1));
        try
        {
            return Distance(a, b, row[..(b.Length + 1)]);
        }
        finally
        {
            if (rented is not null) ArrayPool<int>.Shared.Return(rented);
        }
    }

    /// <summary>The programme over <paramref name="row"/> = D[i, 0 … |b|], updated in place for i = 1 … |a|.</summary>
    private static int Distance<T>(ReadOnlySpan<T> a, ReadOnlySpan<T> b, Span<int> row) where T : IEquatable<T>
    {
        for (int j = 0; j < row.Length; j++) row[j] = j; // D[0, j] = j
        for (int i = 1; i <= a.Length; i++)
        {
            T ai = a[i - 1];
            int diagonal = row[0]; // D[i−1, j−1]
            row[0] = i;            // D[i, 0] = i
            for (int j = 1; j <= b.Length; j++)
            {
                int above = row[j]; // D[i−1, j]
                int substitute = diagonal + (ai.Equals(b[j - 1]) ? 0 : 1);
                int delete = above + 1;
                int insert = row[j - 1] + 1; // D[i, j−1]
                row[j] = Math.Min(substitute, Math.Min(delete, insert));
                diagonal = above;
            }
        }
        return row[b.Length];
    }
}
