using Recurrent.Data;
using Recurrent.Autodiff;
using Recurrent.Layers;

namespace Recurrent.Training;

/// <summary>Scores a model on data without training it: the validation of a <see cref="Trainer{TBatch}"/>, and its own use.</summary>
public static class Evaluation
{
    /// <summary>
    /// The mean loss over one whole pass of <paramref name="data"/>, each batch weighted by its count, in evaluation
    /// mode (no dropout, nothing saved for backward; the model's mode is restored afterwards).
    /// </summary>
    /// <typeparam name="TBatch">The batch type.</typeparam>
    /// <param name="model">The model.</param>
    /// <param name="loss">Records the model's mean loss on a batch.</param>
    /// <param name="data">A finite source; it is read until it ends a pass.</param>
    /// <param name="tape">A tape to reuse between calls (a warm evaluation then allocates nothing); null for a new one.</param>
    /// <returns>Σ count·loss / Σ count.</returns>
    public static double MeanLoss<TBatch>(Module<float> model, Func<Tape<float>, TBatch, Variable<float>> loss, IBatchSource<TBatch> data, Tape<float>? tape = null)
        where TBatch : IBatch
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(loss);
        ArgumentNullException.ThrowIfNull(data);
        tape ??= new Tape<float>();
        using var inference = new EvalScope<float>(model);
        double total = 0;
        long count = 0;
        while (data.TryNext(out var batch))
        {
            tape.Reset();
            var value = loss(tape, batch);
            total += (double)value.Value[0] * batch.Count;
            count += batch.Count;
        }
        if (count == 0) throw new InvalidOperationException("The evaluation source ended its pass without producing a batch; it holds no data.");
        return total / count;
    }
}
