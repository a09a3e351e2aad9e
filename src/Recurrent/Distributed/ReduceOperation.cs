namespace Recurrent.Distributed;

/// <summary>TEMPORARY copy.</summary>
public enum ReduceOperation
{
    /// <summary>Sum.</summary>
    Sum,

    /// <summary>Mean.</summary>
    Mean,

    /// <summary>Max.</summary>
    Max,
}
