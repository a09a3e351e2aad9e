using Recurrent.Autodiff;
using Recurrent.Data.Text;
using Recurrent.Layers;
using Recurrent.Losses;
using Recurrent.Models;

namespace Recurrent.Training;

/// <summary>
/// The mean cross-entropy of a character model over every character of a text, in nats per character: the
/// validation loss of a run and the figure of <c>recurrent charlm eval</c>. Windows of T characters, each from a zero
/// state, B at a time, no backward pass.
/// </summary>
public sealed class CharLmEvaluator
{
    private readonly Tape<float> _tape = new();
    private int[] _inputs = [], _targets = [], _lengths = [];

    /// <summary>Mean cross-entropy (nats/char) of predicting each target of <paramref name="batcher"/>.</summary>
    /// <param name="model">The model; its parameters' gradient flags are left as they were.</param>
    /// <param name="batcher">The windows to score; it is reset first.</param>
    /// <returns>Σ −log p(target) / number of targets.</returns>
    public double Evaluate(CharLanguageModel<float> model, ValidationWindowBatcher batcher)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(batcher);
        int b = batcher.BatchSize, t = batcher.Steps;
        if (_inputs.Length != b * t)
        {
            _inputs = new int[b * t];
            _targets = new int[b * t];
            _lengths = new int[b];
        }
        using var inference = new EvalScope<float>(model);
        {
            batcher.Reset();
            double total = 0;
            long count = 0;
            while (batcher.Next(_inputs, _targets, _lengths) > 0)
            {
                int valid = 0;
                for (int row = 0; row < b; row++)
                {
                    valid += _lengths[row];
                    for (int s = _lengths[row]; s < t; s++) _targets[row * t + s] = -1; // padding predicts nothing
                }
                _tape.Reset();
                var (loss, _) = model.Loss(_tape, _inputs, _targets, b);
                total += loss.Value[0] * (double)valid;
                count += valid;
            }
            return total / count;
        }
    }
}
