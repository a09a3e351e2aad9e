using Recurrent.Autodiff;
using Recurrent.Tensors;

namespace Recurrent.Tests.Autodiff;

/// <summary>Finite-difference gradient checks in double precision, and the random tensors they start from.</summary>
public static class GradAssert
{
    public const double Tolerance = 1e-7;

    public static void Check(Func<Tape<double>, Variable<double>> loss, params Variable<double>[] inputs)
    {
        var result = GradCheck.Run(loss, inputs);
        Assert.True(result.Error < Tolerance, $"gradient check failed at {result}");
        Assert.True(inputs.Any(v => v.Grad is not null), "no gradient reached any input");
    }

    public static Variable<double> Param(Rng rng, string name, params int[] shape) =>
        new(Tensor.Uniform<double>(rng, -1, 1, shape), requiresGrad: true, name);

    public static Tensor<double> Random(Rng rng, params int[] shape) => Tensor.Normal<double>(rng, 0, 1, shape);

    /// <summary><c>Σ y ⊙ R</c> for a fixed random R: a scalar whose gradient reaches every element of y.</summary>
    public static Variable<double> Project(Tape<double> tape, Variable<double> y, Tensor<double> r) =>
        tape.Sum(tape.Mul(y, new Variable<double>(r)));
}
