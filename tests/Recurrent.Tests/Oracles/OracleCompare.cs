using System.Numerics;
using Recurrent.Tensors;

namespace Recurrent.Tests.Oracles;

/// <summary>Element-wise comparison of a computed tensor with an oracle's, reporting the worst element.</summary>
public static class OracleCompare
{
    public static void Compare<T>(string file, string what, Tensor<double> expected, Tensor<T> actual, double tolerance, List<string> failures)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        if (!expected.Shape.SequenceEqual(actual.Shape))
        {
            failures.Add($"{file}: {what} has shape {Tensor<T>.ShapeText(actual.Shape)}; expected {Tensor<double>.ShapeText(expected.Shape)}");
            return;
        }
        ReadOnlySpan<double> e = expected.Span;
        ReadOnlySpan<T> a = actual.Span;
        double worst = 0;
        int at = -1;
        for (int i = 0; i < e.Length; i++)
        {
            double diff = Math.Abs(e[i] - double.CreateTruncating(a[i]));
            if (!(diff <= worst)) (worst, at) = (diff, i);
        }
        if (!(worst <= tolerance))
        {
            failures.Add($"{file}: {what}[{at}] = {double.CreateTruncating(a[at]):G9}, expected {e[at]:G9} (|diff| {worst:E2} > {tolerance:E0})");
        }
    }
}
