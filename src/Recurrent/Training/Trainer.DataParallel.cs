using Recurrent.Data;
using Recurrent.Distributed;
using Recurrent.Layers;

namespace Recurrent.Training;

/// <summary>
/// Data-parallel training (<see cref="TrainerOptions.ProcessGroup"/> of more than one rank), as PyTorch's
/// <c>DistributedDataParallel</c>: every rank holds the whole model and draws the same global batch from the same
/// source; each computes the loss and gradients of its shard (<see cref="IShardable{TBatch}"/>), and one all-reduce
/// (<see cref="GradientExchange"/>) gives every rank the count-weighted mean gradient of the whole batch, so that every
/// rank clips and steps identically and the weights stay equal without being sent again.
/// </summary>
/// <remarks>
/// <para>
/// Fit starts by copying rank 0's parameters to every rank (after any <see cref="Resume"/>, which every rank makes
/// from the same checkpoint, or none: a rank at another step fails the run). Decisions that depend on the clock (the
/// time budget, time-based validation, the cosine schedule's share of a time budget) follow rank 0's clock, and a
/// fired cancellation token on any rank stops every rank; both travel in the step's all-reduce, so every rank stops
/// and validates at the same step (the step after the one during which the time ran out or the token fired).
/// </para>
/// <para>
/// Validation: rank r evaluates batches r, r + N, r + 2N, … of the validation pass and the ranks add their sums.
/// Only rank 0 reports progress and writes the metrics and checkpoints; a checkpoint holds the global state (weights,
/// optimizer, source position and every row's carried state), so a run resumes with any number of ranks. Dropout
/// masks are drawn per rank (seed, step, rank): with dropout a data-parallel run is not bit-identical to one process.
/// </para>
/// </remarks>
public sealed partial class Trainer<TBatch>
{
    private readonly IProcessGroup? _group;
    private readonly GradientExchange? _exchange;
    private CancellationToken _cancellation;

    /// <summary>Whether this process writes the run's files and reports progress: one process, or rank 0.</summary>
    private bool IsWriter => _group is null || _group.Rank == 0;

    /// <summary>The training seconds that budgets and cadences are decided on: this process's, or rank 0's at the last exchange.</summary>
    private double DecisionSeconds => _exchange is null ? WallSeconds : _exchange.Wall;

    /// <summary>A data-parallel step: this rank's shard forward and backward, the all-reduce, then the same update on every rank.</summary>
    private float DataParallelStep(TBatch batch, GradientExchange exchange)
    {
        if (batch is not IShardable<TBatch> shardable)
        {
            throw new NotSupportedException($"Data-parallel training splits every batch among the ranks; {batch.GetType().Name} does not implement IShardable<{typeof(TBatch).Name}>.");
        }
        var group = _group!;
        var shard = shardable.Shard(group.Rank, group.Size);
        _tape.Reset();
        _tape.Random.Reseed(Options.Seed ^ (0x9E37_79B9_7F4A_7C15UL * (ulong)(Step + 1)) ^ (0xD1B5_4A32_D192_ED03UL * (ulong)group.Rank));
        Model.ZeroGrad();
        var loss = _loss(_tape, shard);
        float value = loss.Value[0];
        // A non-finite loss is not back-propagated; its NaN reaches every rank through the sum, and every rank skips the step.
        if (float.IsFinite(value) && shard.Count > 0) _tape.Backward(loss);
        float mean = exchange.Reduce(shard.Count, value, shard as IShardCarry, _cancellation.IsCancellationRequested, WallSeconds);
        return Update(mean, batch.Count);
    }

    /// <summary>The validation loss, each rank evaluating every Size-th batch of the pass and the ranks adding their sums.</summary>
    private double EvaluateShare(IBatchSource<TBatch> data)
    {
        var group = _group!;
        double total = 0;
        long count = 0;
        using (new EvalScope<float>(Model))
        {
            for (int index = 0; data.TryNext(out var batch); index++)
            {
                count += batch.Count;
                if (index % group.Size != group.Rank) continue;
                _evaluationTape.Reset();
                total += (double)_loss(_evaluationTape, batch).Value[0] * batch.Count;
            }
        }
        if (count == 0) throw new InvalidOperationException("The evaluation source ended its pass without producing a batch; it holds no data.");
        return _exchange!.SumOverRanks(total) / count;
    }
}
