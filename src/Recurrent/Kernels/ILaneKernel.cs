namespace Recurrent.Kernels;

/// <summary>
/// A fused element-wise computation over several spans at once (a cell's gate arithmetic: many inputs and outputs
/// per element), written once for a vector of lanes and once for a single lane; <see cref="ElementWise.Run{T, TKernel}"/>
/// calls the first over whole vectors and the second over the remainder.
/// </summary>
/// <remarks>Implemented by ref structs that hold the spans, so running one allocates nothing.</remarks>
public interface ILaneKernel
{
    /// <summary>Processes the <c>Vector256&lt;T&gt;.Count</c> elements starting at <paramref name="i"/>.</summary>
    /// <param name="i">Index of the first element.</param>
    void Vector(int i);

    /// <summary>Processes element <paramref name="i"/>.</summary>
    /// <param name="i">Index of the element.</param>
    void Scalar(int i);
}
