namespace Recurrent.Models;

/// <summary>
/// How well a language model predicts a text: the mean cross-entropy of the true next symbol,
/// <c>(1/N)·Σₜ −ln p(x[t+1] | x[0..t])</c> over the <see cref="Symbols"/> = N predictions, in nats, and the same in
/// bits and as a perplexity (char-rnn and nanoGPT report bits per character and the validation loss in nats).
/// </summary>
/// <param name="NatsPerSymbol">The mean cross-entropy, in nats per predicted symbol.</param>
/// <param name="Symbols">N, the number of predicted symbols the mean is over.</param>
public sealed record LanguageModelScore(double NatsPerSymbol, long Symbols)
{
    /// <summary>The mean cross-entropy in bits per symbol: nats / ln 2.</summary>
    public double BitsPerSymbol => NatsPerSymbol / Math.Log(2);

    /// <summary>The perplexity, <c>e^nats</c>: the number of equally likely symbols that would be as surprising.</summary>
    public double Perplexity => Math.Exp(NatsPerSymbol);
}
