using System.Runtime.InteropServices;

namespace Recurrent.Metrics;

/// <summary>
/// Accumulates the metrics of sequence outputs (seq2seq: grapheme-to-phoneme, transliteration, …), one sample at a
/// time: a predicted symbol sequence against one or more acceptable reference sequences.
/// </summary>
/// <remarks>
/// <para>
/// A sample is correct when the prediction equals one of its references, symbol by symbol (ordinal string equality).
/// Over N samples with predictions ŷ_n and reference sets R_n:
/// </para>
/// <list type="bullet">
/// <item>exact match = (1/N) Σ_n [ŷ_n ∈ R_n];</item>
/// <item>word error rate = 1 − exact match, as the grapheme-to-phoneme literature reports it (a sample is a word, and
/// a word is wrong when any of its symbols is);</item>
/// <item>symbol error rate = Σ_n d(ŷ_n, r*_n) / Σ_n |r*_n|, d the Levenshtein distance (<see cref="EditDistance"/>)
/// and r*_n the reference of R_n closest to ŷ_n: the one of least distance, the longest among those, the first among
/// equally long ones. Preferring the longer of equally close references makes the rate the smallest the references
/// allow, as "the prediction is scored against the reference it best matches".</item>
/// </list>
/// <para>Sums are kept as integers, so the order of the samples does not change the result.</para>
/// </remarks>
public sealed class SequenceMetrics
{
    /// <summary>The number of samples added, N.</summary>
    public int Samples { get; private set; }

    /// <summary>The number of samples whose prediction equals one of their references, Σ_n [ŷ_n ∈ R_n].</summary>
    public int ExactMatches { get; private set; }

    /// <summary>Σ_n d(ŷ_n, r*_n): the edit operations between each prediction and its closest reference.</summary>
    public long SymbolErrors { get; private set; }

    /// <summary>Σ_n |r*_n|: the symbols of the closest references, the denominator of <see cref="SymbolErrorRate"/>.</summary>
    public long ReferenceSymbols { get; private set; }

    /// <summary>Exact match = (1/N) Σ_n [ŷ_n ∈ R_n], the share of samples equal to one of their references; NaN when N = 0.</summary>
    public double ExactMatch => Samples == 0 ? double.NaN : (double)ExactMatches / Samples;

    /// <summary>
    /// Word error rate = 1 − <see cref="ExactMatch"/>: the grapheme-to-phoneme literature's WER, where a sample is one
    /// word and any wrong symbol makes it wrong (not the speech-recognition WER, an edit distance over words); NaN when N = 0.
    /// </summary>
    public double WordErrorRate => Samples == 0 ? double.NaN : (double)(Samples - ExactMatches) / Samples;

    /// <summary>
    /// Symbol error rate = Σ_n d(ŷ_n, r*_n) / Σ_n |r*_n|, r*_n the closest reference (least distance, then the longest);
    /// the phoneme error rate of grapheme-to-phoneme conversion. It can exceed 1 (a prediction longer than its reference).
    /// NaN while <see cref="ReferenceSymbols"/> is 0.
    /// </summary>
    public double SymbolErrorRate => ReferenceSymbols == 0 ? double.NaN : (double)SymbolErrors / ReferenceSymbols;

    /// <summary>Adds one sample: a prediction and its acceptable references.</summary>
    /// <param name="predicted">The predicted symbols ŷ.</param>
    /// <param name="references">The acceptable reference sequences R, at least one.</param>
    /// <exception cref="ArgumentNullException">An argument or one of the references is null.</exception>
    /// <exception cref="ArgumentException"><paramref name="references"/> is empty.</exception>
    public void Add(IReadOnlyList<string> predicted, IReadOnlyList<IReadOnlyList<string>> references)
    {
        ArgumentNullException.ThrowIfNull(predicted);
        ArgumentNullException.ThrowIfNull(references);
        if (references.Count == 0)
            throw new ArgumentException("references is empty; a sample needs at least one reference sequence.", nameof(references));

        var yHat = AsSpan(predicted);
        int best = int.MaxValue, bestLength = 0;
        for (int r = 0; r < references.Count; r++)
        {
            var reference = references[r]
                ?? throw new ArgumentNullException(nameof(references), $"references[{r}] is null; each reference is a sequence of symbols.");
            int distance = EditDistance.Between(yHat, AsSpan(reference));
            if (distance < best || distance == best && reference.Count > bestLength)
            {
                best = distance;
                bestLength = reference.Count;
            }
        }

        Samples++;
        if (best == 0) ExactMatches++;
        SymbolErrors += best;
        ReferenceSymbols += bestLength;
    }

    private static ReadOnlySpan<string> AsSpan(IReadOnlyList<string> symbols) => symbols switch
    {
        string[] array => array,
        List<string> list => CollectionsMarshal.AsSpan(list),
        _ => symbols.ToArray(),
    };
}
