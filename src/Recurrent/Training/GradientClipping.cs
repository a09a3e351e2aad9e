using System.Numerics;
using Recurrent.Autodiff;

namespace Recurrent.Training;

/// <summary>
/// Gradient-norm clipping (Pascanu, Mikolov and Bengio, 2013), the standard guard against the exploding gradients of
/// backpropagation through time: when the gradients of all parameters together are longer than a threshold, they are
/// scaled down to it, keeping their direction. PyTorch's <c>torch.nn.utils.clip_grad_norm_</c>.
/// </summary>
/// <remarks>
/// <code>
/// ‖g‖ = √(Σₚ ‖gₚ‖²)                         (the L2 norm of every gradient as one vector)
/// c = max_norm / (‖g‖ + 10⁻⁶)
/// gₚ ← min(c, 1)·gₚ                          for every parameter p
/// </code>
/// Call it between <c>tape.Backward(loss)</c> and <c>optimizer.Step()</c>. Parameters without a gradient are ignored.
/// Each ‖gₚ‖ is computed in the gradient's precision and the sum in double. As in PyTorch, a non-finite norm (an
/// overflow or a NaN in some gradient) makes c non-finite and the scaled gradients NaN, unless
/// <c>errorIfNonfinite</c> asks for an exception instead.
/// </remarks>
public static class GradientClipping
{
    /// <summary>The PyTorch margin added to the norm before dividing, so that a zero gradient divides safely.</summary>
    private const double Margin = 1e-6;

    /// <summary>Scales the gradients of <paramref name="parameters"/> so that their global L2 norm is at most <paramref name="maxNorm"/>.</summary>
    /// <typeparam name="T">Element type.</typeparam>
    /// <param name="parameters">The parameters whose gradients to clip (<see cref="Layers.Module{T}.Parameters"/>).</param>
    /// <param name="maxNorm">The largest norm allowed, &gt; 0.</param>
    /// <param name="errorIfNonfinite">Throw when the norm is NaN or infinite, instead of scaling by it.</param>
    /// <returns>‖g‖, the global norm before clipping (for logging: a rising norm announces an explosion).</returns>
    public static double ClipByGlobalNorm<T>(IReadOnlyList<Variable<T>> parameters, double maxNorm, bool errorIfNonfinite = false)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        ArgumentNullException.ThrowIfNull(parameters);
        return Clip<T, Plain<T>>(new Plain<T>(parameters), maxNorm, errorIfNonfinite);
    }

    /// <summary>
    /// As <see cref="ClipByGlobalNorm{T}(IReadOnlyList{Variable{T}}, double, bool)"/>, for named parameters
    /// (<see cref="Layers.Module{T}.NamedParameters"/>, <see cref="Optimizers.Optimizer{T}.Parameters"/>).
    /// </summary>
    /// <typeparam name="T">Element type.</typeparam>
    /// <param name="parameters">The parameters whose gradients to clip.</param>
    /// <param name="maxNorm">The largest norm allowed, &gt; 0.</param>
    /// <param name="errorIfNonfinite">Throw when the norm is NaN or infinite, instead of scaling by it.</param>
    /// <returns>‖g‖, the global norm before clipping.</returns>
    public static double ClipByGlobalNorm<T>(IReadOnlyList<(string Name, Variable<T> Parameter)> parameters, double maxNorm, bool errorIfNonfinite = false)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        ArgumentNullException.ThrowIfNull(parameters);
        return Clip<T, Named<T>>(new Named<T>(parameters), maxNorm, errorIfNonfinite);
    }

    private static double Clip<T, TList>(TList parameters, double maxNorm, bool errorIfNonfinite)
        where T : unmanaged, IFloatingPointIeee754<T>
        where TList : struct, IParameterList<T>
    {
        if (!(maxNorm > 0)) throw new ArgumentOutOfRangeException(nameof(maxNorm), $"maxNorm must be positive; got {maxNorm}.");
        double sumOfSquares = 0;
        for (int i = 0; i < parameters.Count; i++)
        {
            if (parameters[i].Grad is not { } g) continue;
            double norm = double.CreateTruncating(TensorPrimitives.Norm<T>(g.Span));
            sumOfSquares += norm * norm;
        }
        double total = Math.Sqrt(sumOfSquares);
        if (errorIfNonfinite && !double.IsFinite(total))
        {
            throw new InvalidOperationException($"The global norm of the gradients is {total}; expected a finite value (a gradient has overflowed or is NaN).");
        }
        double scale = maxNorm / (total + Margin);
        if (scale >= 1) return total;
        T factor = T.CreateTruncating(scale);
        for (int i = 0; i < parameters.Count; i++)
        {
            if (parameters[i].Grad is not { } g) continue;
            TensorPrimitives.Multiply(g.Span, factor, g.Span);
        }
        return total;
    }

    // Both kinds of parameter list, read without copying or boxing (a training step allocates nothing).
    private interface IParameterList<T> where T : unmanaged, IFloatingPointIeee754<T>
    {
        int Count { get; }

        Variable<T> this[int index] { get; }
    }

    private readonly struct Plain<T>(IReadOnlyList<Variable<T>> list) : IParameterList<T> where T : unmanaged, IFloatingPointIeee754<T>
    {
        public int Count => list.Count;

        public Variable<T> this[int index] => list[index];
    }

    private readonly struct Named<T>(IReadOnlyList<(string Name, Variable<T> Parameter)> list) : IParameterList<T> where T : unmanaged, IFloatingPointIeee754<T>
    {
        public int Count => list.Count;

        public Variable<T> this[int index] => list[index].Parameter;
    }
}
