using Recurrent.Tensors;

namespace Recurrent.Autodiff;

/// <summary>
/// Checks a tape's gradients against central finite differences in double precision:
/// <c>∂L/∂xᵢ ≈ (L(x + εeᵢ) − L(x − εeᵢ)) / 2ε</c>, whose error is O(ε²) plus rounding of order 1e-16/ε.
/// </summary>
/// <remarks>
/// Every primitive, every cell and every layer configuration is held to this check in the tests. The function must
/// be deterministic (a dropout inside it must draw the same mask on every call) and smooth around the point (a relu
/// input exactly at 0 is a kink).
/// </remarks>
public static class GradCheck
{
    /// <summary>
    /// Computes the gradient of <paramref name="loss"/> with respect to every element of every variable in
    /// <paramref name="inputs"/> both by back-propagation and by central differences, and reports the worst disagreement.
    /// </summary>
    /// <param name="loss">Records a computation on the given tape and returns its scalar loss.</param>
    /// <param name="inputs">The variables to differentiate with respect to; they must require gradients.</param>
    /// <param name="epsilon">The finite-difference step.</param>
    /// <returns>The worst element's analytic and numeric values and its error.</returns>
    public static GradCheckResult Run(Func<Tape<double>, Variable<double>> loss, IReadOnlyList<Variable<double>> inputs, double epsilon = 1e-6)
    {
        var tape = new Tape<double>();
        foreach (var v in inputs)
        {
            if (!v.RequiresGrad) throw new ArgumentException($"{v} does not require a gradient.", nameof(inputs));
            v.ZeroGrad();
        }
        tape.Backward(loss(tape));
        var analytic = new List<double[]>(inputs.Count);
        foreach (var v in inputs) analytic.Add(v.Grad?.ToArray() ?? new double[v.Value.Length]);

        var worst = new GradCheckResult(string.Empty, -1, 0, 0, 0);
        for (int i = 0; i < inputs.Count; i++)
        {
            Span<double> x = inputs[i].Value.Span;
            for (int e = 0; e < x.Length; e++)
            {
                double saved = x[e];
                x[e] = saved + epsilon;
                double plus = Evaluate(tape, loss);
                x[e] = saved - epsilon;
                double minus = Evaluate(tape, loss);
                x[e] = saved;
                double numeric = (plus - minus) / (2 * epsilon);
                double a = analytic[i][e];
                double error = Math.Abs(a - numeric) / Math.Max(1.0, Math.Max(Math.Abs(a), Math.Abs(numeric)));
                if (error > worst.Error || worst.Index < 0)
                {
                    worst = new GradCheckResult(inputs[i].Name ?? $"input {i}", e, a, numeric, error);
                }
            }
        }
        return worst;
    }

    private static double Evaluate(Tape<double> tape, Func<Tape<double>, Variable<double>> loss)
    {
        tape.Reset();
        return loss(tape).Value[0];
    }
}
