using Recurrent.Data;
using Recurrent.Lecture.Data.Video;

namespace Recurrent.Lecture.Experiments;

/// <summary>Formats a few generated sentences beside the truth, right ones first and then the first mistakes.</summary>
internal static class ClipExamples
{
    public static void Add(List<string> examples, string heading, int[][] outputs, DecoderSequences truth, int rightCount = 4, int wrongCount = 4)
    {
        examples.Add(heading);
        int right = 0, wrong = 0;
        for (int b = 0; b < outputs.Length && (right < rightCount || wrong < wrongCount); b++)
        {
            string said = MovingShapes.Vocabulary.Decode(outputs[b]);
            string expected = MovingShapes.Vocabulary.Decode(truth.TargetRow(b));
            bool ok = said == expected;
            if (ok ? right++ >= rightCount : wrong++ >= wrongCount) continue;
            examples.Add(Text.Format($"  {(ok ? "✓" : "✗")} {said}"));
            if (!ok) examples.Add(Text.Format($"    truth: {expected}"));
        }
    }
}
