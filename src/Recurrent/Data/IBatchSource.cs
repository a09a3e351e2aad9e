using System.Diagnostics.CodeAnalysis;

namespace Recurrent.Data;

/// <summary>
/// Where a <c>Trainer</c> takes its batches: a finite data set read pass after pass (epochs), or an
/// endless stream of random windows.
/// </summary>
/// <remarks>
/// A source may hand out the same batch object every call, refilled: the trainer uses a batch only until the next
/// call. A source whose order depends on a random generator or a position should also implement
/// <see cref="IResumable"/>, so that a resumed run continues with the batch it would have drawn next.
/// </remarks>
/// <typeparam name="TBatch">The batch type.</typeparam>
public interface IBatchSource<TBatch> where TBatch : IBatch
{
    /// <summary>
    /// Fills the next batch of the current pass. Returns false, with no batch, when the pass is over; the call after
    /// that starts the next pass (reshuffled, if the source shuffles). An endless source never returns false.
    /// </summary>
    /// <param name="batch">The batch, valid until the next call.</param>
    /// <returns>Whether a batch was produced.</returns>
    bool TryNext([MaybeNullWhen(false)] out TBatch batch);

    /// <summary>Batches in one pass, or null for an endless source; lets schedules measure progress in epochs.</summary>
    int? BatchesPerPass => null;
}
