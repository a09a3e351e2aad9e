namespace Recurrent.Data;

/// <summary>
/// A batch of training or evaluation examples. A loss over a batch is its mean over <see cref="Count"/> examples, so a
/// pass over a data set weighs each batch by its count (a short last batch counts for what it holds).
/// </summary>
public interface IBatch
{
    /// <summary>The examples the batch's mean loss averages over: sequences, or predicted steps such as characters.</summary>
    int Count { get; }
}
