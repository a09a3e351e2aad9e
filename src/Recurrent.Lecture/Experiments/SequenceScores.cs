using Recurrent.Data;

namespace Recurrent.Lecture.Experiments;

/// <summary>
/// Scores of generated sequences against the truth: exact match (the whole sequence right) and per-token accuracy
/// (the share of truth tokens, <c>&lt;end&gt;</c> included, that the output has at the same position).
/// </summary>
internal sealed class SequenceScores
{
    private int _sequences, _exact, _tokens, _rightTokens;

    public double ExactMatch => _sequences == 0 ? 0 : _exact / (double)_sequences;

    public double TokenAccuracy => _tokens == 0 ? 0 : _rightTokens / (double)_tokens;

    public int Count => _sequences;

    /// <summary>Adds the outputs of the first <paramref name="rows"/> rows of <paramref name="truth"/>.</summary>
    public void Add(int[][] outputs, DecoderSequences truth, int rows)
    {
        for (int b = 0; b < rows; b++)
        {
            ReadOnlySpan<int> target = truth.TargetRow(b)[..truth.Lengths[b]]; // w₁ … wₙ <end>
            int[] output = outputs[b];
            bool exact = output.Length == target.Length - 1;
            for (int i = 0; i < target.Length; i++)
            {
                int produced = i < output.Length ? output[i] : i == output.Length ? TokenVocabulary.EndId : -1;
                bool right = produced == target[i];
                exact &= right;
                _rightTokens += right ? 1 : 0;
            }
            _tokens += target.Length;
            _exact += exact ? 1 : 0;
            _sequences++;
        }
    }
}
