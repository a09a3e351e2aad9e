using Recurrent.Tensors;
using Xunit.Abstractions;

namespace Recurrent.Tests.Onnx.Import;

/// <summary>Holds the importer's results to a reference (ONNX Runtime, torch's outputs) element by element.</summary>
internal static class ImportAssert
{
    /// <summary>The tolerance the task sets: float32 kernels computing the same equations in another order.</summary>
    public const double Tolerance = 1e-5;

    /// <summary>Asserts equal shapes and max |expected − actual| ≤ <see cref="Tolerance"/>; logs and returns the difference.</summary>
    public static double Close(string what, float[] expected, IEnumerable<long> expectedShape, Tensor<float> actual, ITestOutputHelper? log = null)
    {
        var shape = expectedShape.Select(d => (int)d).ToArray();
        Assert.True(shape.SequenceEqual(actual.Shape.ToArray()), $"{what}: shape {Tensor<float>.ShapeText(actual.Shape)}, expected {Tensor<float>.ShapeText(shape)}");
        var a = actual.Span;
        double worst = 0;
        int at = 0;
        for (int i = 0; i < expected.Length; i++)
        {
            double diff = Math.Abs(expected[i] - (double)a[i]);
            if (!(diff <= worst)) (worst, at) = (diff, i);
        }
        log?.WriteLine($"{what}: max |diff| = {worst:E2}");
        Assert.True(worst <= Tolerance, $"{what}[{at}] = {a[at]:G9}, expected {expected[at]:G9} (|diff| {worst:E2} > {Tolerance:E0})");
        return worst;
    }

    /// <summary>Asserts a one-line message that names the file and contains each of <paramref name="parts"/>.</summary>
    public static void OneLine(Exception e, string file, params string[] parts)
    {
        Assert.DoesNotContain('\n', e.Message);
        Assert.StartsWith(file + ": ", e.Message);
        foreach (var p in parts) Assert.Contains(p, e.Message);
    }
}
