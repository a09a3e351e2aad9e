using System.Globalization;
using Recurrent.Tensors;

using Recurrent.Data;

namespace Recurrent.Lecture.Data.Synthetic;

/// <summary>
/// The addition task as strings, a sequence-to-sequence (N-M) problem: read <c>"535+61"</c> a character at a time and
/// write <c>"596"</c>. From Zaremba and Sutskever, "Learning to execute" (2014), in the form of Keras's
/// <c>addition_rnn</c> example (operands of 1 to 3 digits).
/// </summary>
/// <remarks>
/// <para>
/// Drawing a problem: for each operand, a digit count d ~ U{1, 2, 3}, then the operand ~ U{0, …, 10ᵈ − 1} (Keras's
/// d random digits read as a number). Problems are distinct up to the order of the operands: <c>535+61</c> and
/// <c>61+535</c> count as one, so no held-out problem can be learnt from its mirror in the training set.
/// </para>
/// <para>
/// The split is deterministic and disjoint, as in Keras's example: from <see cref="Rng"/>(seed), all the distinct
/// problems are drawn (each rejected if it, or its mirror, was already drawn), then a random <c>heldOutCount</c> of them
/// are held out. (Drawing the held-out set first would put all 30 problems whose sum has one digit, drawn one time in
/// nine, into it: a model would never see a one-digit answer.)
/// </para>
/// <para>
/// Tokens (<see cref="Vocabulary"/>): <c>&lt;pad&gt;</c> 0, <c>&lt;start&gt;</c> 1, <c>&lt;end&gt;</c> 2, digits
/// <c>0 … 9</c> as 3 … 12, <c>+</c> as 13. <see cref="AdditionBatch"/> encodes problems for an encoder and a
/// teacher-forced decoder.
/// </para>
/// </remarks>
public sealed class AdditionDataset
{
    /// <summary>The largest operand.</summary>
    public const int MaxOperand = 999;

    /// <summary>The longest question, <c>999+999</c>.</summary>
    public const int MaxQuestionLength = 7;

    /// <summary>The longest answer, <c>1998</c>.</summary>
    public const int MaxAnswerLength = 4;

    /// <summary>The id of <c>+</c>.</summary>
    public const int PlusId = 13;

    /// <summary>The most problems a dataset may hold, so that drawing distinct problems stays fast.</summary>
    public const int MaxProblems = 200_000;

    private readonly AdditionProblem[] _train;
    private readonly AdditionProblem[] _heldOut;

    private AdditionDataset(ulong seed, AdditionProblem[] train, AdditionProblem[] heldOut)
    {
        Seed = seed;
        _train = train;
        _heldOut = heldOut;
    }

    /// <summary>The tokens of questions and answers: the special tokens, the digits 0 … 9, and <c>+</c>.</summary>
    public static TokenVocabulary Vocabulary { get; } = new(["0", "1", "2", "3", "4", "5", "6", "7", "8", "9", "+"]);

    /// <summary>The seed the dataset was drawn from.</summary>
    public ulong Seed { get; }

    /// <summary>The training problems.</summary>
    public ReadOnlyMemory<AdditionProblem> Train => _train;

    /// <summary>The held-out problems, none of which (nor its mirror) is in <see cref="Train"/>.</summary>
    public ReadOnlyMemory<AdditionProblem> HeldOut => _heldOut;

    /// <summary>The token id of the decimal digit <paramref name="digit"/>.</summary>
    /// <param name="digit">0 … 9.</param>
    /// <returns>3 + digit.</returns>
    public static int DigitId(int digit)
    {
        if ((uint)digit > 9) throw new ArgumentOutOfRangeException(nameof(digit), $"digit is {digit}; expected 0 … 9.");
        return TokenVocabulary.EndId + 1 + digit;
    }

    /// <summary>Draws a training set and a disjoint held-out set from <paramref name="seed"/>.</summary>
    /// <param name="seed">Fixes both sets.</param>
    /// <param name="trainCount">Training problems; Keras uses 45,000 (50,000 less its 10 % validation).</param>
    /// <param name="heldOutCount">Held-out problems.</param>
    /// <returns>The dataset.</returns>
    public static AdditionDataset Create(ulong seed, int trainCount = 45_000, int heldOutCount = 5_000)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(trainCount);
        ArgumentOutOfRangeException.ThrowIfNegative(heldOutCount);
        if ((long)trainCount + heldOutCount > MaxProblems)
        {
            throw new ArgumentOutOfRangeException(nameof(trainCount), string.Create(CultureInfo.InvariantCulture,
                $"{trainCount} training + {heldOutCount} held-out problems exceed the {MaxProblems} distinct problems a dataset may hold."));
        }
        var drawn = new HashSet<int>(trainCount + heldOutCount);
        AdditionProblem[] all = DrawDistinct(new Rng(seed), trainCount + heldOutCount, drawn);
        if (heldOutCount > 0) new Rng(seed * 29 + 11).Shuffle(all.AsSpan());
        return new AdditionDataset(seed, all[heldOutCount..], all[..heldOutCount]);
    }

    /// <summary>One problem from the task's distribution (not checked against any set).</summary>
    /// <param name="rng">The random source.</param>
    /// <returns>The problem.</returns>
    public static AdditionProblem Draw(Rng rng)
    {
        ArgumentNullException.ThrowIfNull(rng);
        return new AdditionProblem(DrawOperand(rng), DrawOperand(rng));
    }

    /// <summary>The identity of a problem up to the order of its operands.</summary>
    /// <param name="problem">The problem.</param>
    /// <returns><c>min · 1000 + max</c>.</returns>
    internal static int Key(AdditionProblem problem) =>
        Math.Min(problem.A, problem.B) * (MaxOperand + 1) + Math.Max(problem.A, problem.B);

    private static AdditionProblem[] DrawDistinct(Rng rng, int count, HashSet<int> drawn)
    {
        var problems = new AdditionProblem[count];
        for (int i = 0; i < count;)
        {
            AdditionProblem problem = Draw(rng);
            if (drawn.Add(Key(problem))) problems[i++] = problem;
        }
        return problems;
    }

    private static int DrawOperand(Rng rng)
    {
        int digits = 1 + rng.Next(3);
        return rng.Next(digits == 1 ? 10 : digits == 2 ? 100 : 1000);
    }
}
