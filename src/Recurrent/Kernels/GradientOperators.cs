using System.Numerics;
using System.Runtime.Intrinsics;

namespace Recurrent.Kernels;

// Backward operators of the activations, written from the saved outputs y (never the inputs):
// σ'(a) = y(1 − y), tanh'(a) = 1 − y², relu'(a) = [y > 0]. Each accumulates: dx + dy·φ'.

/// <summary><c>dx + dy ⊙ y ⊙ (1 − y)</c>: the sigmoid's backward from its output.</summary>
internal readonly struct SigmoidBackward<T> : ITernaryOperator<T> where T : IFloatingPointIeee754<T>
{
    public static T Invoke(T dx, T dy, T y) => dx + dy * y * (T.One - y);

    public static Vector256<T> Invoke(Vector256<T> dx, Vector256<T> dy, Vector256<T> y) => dx + dy * y * (Vector256<T>.One - y);
}

/// <summary><c>dx + dy ⊙ (1 − y²)</c>: the hyperbolic tangent's backward from its output.</summary>
internal readonly struct TanhBackward<T> : ITernaryOperator<T> where T : IFloatingPointIeee754<T>
{
    public static T Invoke(T dx, T dy, T y) => dx + dy * (T.One - y * y);

    public static Vector256<T> Invoke(Vector256<T> dx, Vector256<T> dy, Vector256<T> y) => dx + dy * (Vector256<T>.One - y * y);
}

/// <summary><c>dx + dy ⊙ [y &gt; 0]</c>: the rectifier's backward from its output.</summary>
internal readonly struct ReluBackward<T> : ITernaryOperator<T> where T : IFloatingPointIeee754<T>
{
    public static T Invoke(T dx, T dy, T y) => y > T.Zero ? dx + dy : dx;

    public static Vector256<T> Invoke(Vector256<T> dx, Vector256<T> dy, Vector256<T> y) =>
        dx + (dy & Vector256.GreaterThan(y, Vector256<T>.Zero));
}

/// <summary><c>dx + dy ⊙ y</c>: accumulate a product's gradient into one factor.</summary>
internal readonly struct MultiplyAccumulate<T> : ITernaryOperator<T> where T : IFloatingPointIeee754<T>
{
    public static T Invoke(T acc, T x, T y) => acc + x * y;

    public static Vector256<T> Invoke(Vector256<T> acc, Vector256<T> x, Vector256<T> y) => acc + x * y;
}
