using Recurrent.Data;

namespace Recurrent.Lecture.Data.Synthetic;

/// <summary>
/// A batch of addition problems (<see cref="AdditionDataset"/>) encoded for a sequence-to-sequence model: the
/// questions for the encoder, the answers for a teacher-forced decoder, each with its length.
/// </summary>
/// <remarks>
/// <para>
/// Row b of <see cref="Questions"/> (B, 7) holds the question's characters left-aligned, then <c>&lt;pad&gt;</c>;
/// <see cref="QuestionLengths"/> counts them. With <see cref="ReverseQuestions"/> the characters are reversed
/// (<c>"16+535"</c>), the trick of Sutskever et al. (2014) that Keras's example also offers: it puts the units digits,
/// which the answer needs first, closest to the decoder.
/// </para>
/// <para>
/// <see cref="Answers"/> holds <c>&lt;start&gt; 5 9 6</c> as decoder inputs and <c>5 9 6 &lt;end&gt;</c> as targets,
/// (B, 5), with lengths answer + 1. Buffers are allocated once; <see cref="Fill"/> reuses them.
/// </para>
/// </remarks>
public sealed class AdditionBatch
{
    /// <summary>Creates empty buffers for up to <paramref name="capacity"/> problems.</summary>
    /// <param name="capacity">B, the rows of the batch.</param>
    /// <param name="reverseQuestions">Whether to write each question's characters in reverse order.</param>
    public AdditionBatch(int capacity, bool reverseQuestions = false)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(capacity);
        Capacity = capacity;
        ReverseQuestions = reverseQuestions;
        Questions = new int[capacity * AdditionDataset.MaxQuestionLength];
        QuestionLengths = new int[capacity];
        Answers = new DecoderSequences(capacity, AdditionDataset.MaxAnswerLength);
    }

    /// <summary>B, the rows of the batch.</summary>
    public int Capacity { get; }

    /// <summary>The rows filled by the last <see cref="Fill"/>; the others are padding with length 0.</summary>
    public int Count { get; private set; }

    /// <summary>Whether questions are written in reverse order.</summary>
    public bool ReverseQuestions { get; }

    /// <summary>Encoder inputs, row-major (B, 7): question token ids, then padding.</summary>
    public int[] Questions { get; }

    /// <summary>The characters of each question, (B).</summary>
    public int[] QuestionLengths { get; }

    /// <summary>Decoder inputs, targets and lengths for the answers, (B, 5).</summary>
    public DecoderSequences Answers { get; }

    /// <summary>Encodes <paramref name="problems"/> into the first rows and clears the rest.</summary>
    /// <param name="problems">At most <see cref="Capacity"/> problems with operands in <c>[0, 999]</c>.</param>
    public void Fill(ReadOnlySpan<AdditionProblem> problems)
    {
        if (problems.Length > Capacity)
        {
            throw new ArgumentException($"{problems.Length} problems do not fit a batch of {Capacity} rows.", nameof(problems));
        }
        const int q = AdditionDataset.MaxQuestionLength;
        Span<int> answer = stackalloc int[AdditionDataset.MaxAnswerLength];
        for (int b = 0; b < Capacity; b++)
        {
            Span<int> question = Questions.AsSpan(b * q, q);
            question.Clear();
            if (b >= problems.Length)
            {
                QuestionLengths[b] = 0;
                Answers.ClearRow(b);
                continue;
            }
            AdditionProblem problem = problems[b];
            CheckOperand(problem.A, b);
            CheckOperand(problem.B, b);
            int length = WriteDigits(problem.A, question);
            question[length++] = AdditionDataset.PlusId;
            length += WriteDigits(problem.B, question[length..]);
            if (ReverseQuestions) question[..length].Reverse();
            QuestionLengths[b] = length;
            Answers.SetRow(b, answer[..WriteDigits(problem.Sum, answer)]);
        }
        Count = problems.Length;
    }

    /// <summary>The number a decoder wrote, read from its token ids up to <c>&lt;end&gt;</c>; null if it is not a number.</summary>
    /// <param name="ids">Decoder output ids.</param>
    /// <returns>The answer, or null when the ids are empty or hold a token other than a digit before <c>&lt;end&gt;</c>.</returns>
    public static int? ReadAnswer(ReadOnlySpan<int> ids)
    {
        int value = 0, digits = 0;
        foreach (int id in ids)
        {
            if (id == TokenVocabulary.EndId) break;
            int digit = id - AdditionDataset.DigitId(0);
            if ((uint)digit > 9 || digits == 9) return null;
            value = value * 10 + digit;
            digits++;
        }
        return digits == 0 ? null : value;
    }

    private static int WriteDigits(int value, Span<int> destination)
    {
        int count = value < 10 ? 1 : value < 100 ? 2 : value < 1000 ? 3 : 4;
        for (int i = count - 1; i >= 0; i--)
        {
            destination[i] = AdditionDataset.DigitId(value % 10);
            value /= 10;
        }
        return count;
    }

    private static void CheckOperand(int operand, int row)
    {
        if ((uint)operand > AdditionDataset.MaxOperand)
        {
            throw new ArgumentException($"Problem {row} has operand {operand}; expected a value in [0, {AdditionDataset.MaxOperand}].", "problems");
        }
    }
}
