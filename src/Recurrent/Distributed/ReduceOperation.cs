namespace Recurrent.Distributed;

/// <summary>How <see cref="IProcessGroup.AllReduce"/> combines the ranks' values element by element.</summary>
public enum ReduceOperation
{
    /// <summary>x₀ + x₁ + … + x_{N−1}.</summary>
    Sum,

    /// <summary>(x₀ + x₁ + … + x_{N−1}) / N.</summary>
    Mean,

    /// <summary>max(x₀, x₁, …, x_{N−1}); NaN if any is NaN.</summary>
    Max,
}
