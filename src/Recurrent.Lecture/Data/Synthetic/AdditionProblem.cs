using System.Globalization;

namespace Recurrent.Lecture.Data.Synthetic;

/// <summary>One problem of the addition task (<see cref="AdditionDataset"/>): the question <c>"A+B"</c> and its answer.</summary>
/// <param name="A">The first operand, in <c>[0, 999]</c>.</param>
/// <param name="B">The second operand, in <c>[0, 999]</c>.</param>
public readonly record struct AdditionProblem(int A, int B)
{
    /// <summary>A + B.</summary>
    public int Sum => A + B;

    /// <summary>The question as text, such as <c>535+61</c>.</summary>
    public string Question => string.Create(CultureInfo.InvariantCulture, $"{A}+{B}");

    /// <summary>The answer as text, such as <c>596</c>.</summary>
    public string Answer => Sum.ToString(CultureInfo.InvariantCulture);

    /// <summary>The same problem with the operands swapped, which has the same answer.</summary>
    public AdditionProblem Swapped => new(B, A);

    /// <inheritdoc/>
    public override string ToString() => $"{Question}={Answer}";
}
