namespace Recurrent.Tensors;

/// <summary>
/// A cap on the tensor elements the current thread may allocate while a scope is open: what stops a model file whose
/// configuration claims huge sizes (a hidden size of 10⁶) from allocating gigabytes before its weights are compared
/// with the configuration. <c>Model.Load</c> opens one, sized from the weights the file actually holds, around
/// building the model it describes.
/// </summary>
/// <remarks>
/// Every <see cref="Tensor{T}"/> created on the thread while the scope is open is charged its length plus
/// <see cref="PerTensor"/> (so a million empty tensors also count); past the cap, the constructor throws
/// <see cref="AllocationBudgetExceededException"/> before allocating. Scopes do not nest: opening one replaces the
/// cap until it is disposed. Tensors are allocated outside hot loops, so the check costs nothing measurable.
/// </remarks>
internal sealed class AllocationBudget : IDisposable
{
    /// <summary>Elements charged for each tensor beyond its length: its object, shape, array, and the variable and name a parameter adds (about 250 bytes).</summary>
    public const long PerTensor = 64;

    [ThreadStatic] private static AllocationBudget? _current;

    private readonly AllocationBudget? _previous;
    private long _remaining;

    private AllocationBudget(long elements)
    {
        Limit = elements;
        _remaining = elements;
        _previous = _current;
        _current = this;
    }

    /// <summary>The cap, in elements.</summary>
    public long Limit { get; }

    /// <summary>Opens a scope in which this thread may allocate at most <paramref name="elements"/> tensor elements.</summary>
    /// <param name="elements">The cap.</param>
    /// <returns>The scope; dispose it on the same thread.</returns>
    public static AllocationBudget Open(long elements) => new(elements);

    /// <summary>Charges a tensor of <paramref name="length"/> elements to the open scope, if any.</summary>
    /// <param name="length">The tensor's length.</param>
    public static void Charge(long length)
    {
        if (_current is not { } budget) return;
        budget._remaining -= length + PerTensor;
        if (budget._remaining < 0) throw new AllocationBudgetExceededException(budget.Limit);
    }

    /// <summary>Charges <paramref name="count"/> objects that are not tensors (a layer's cells) to the open scope, if any.</summary>
    /// <param name="count">How many, each charged <see cref="PerTensor"/>.</param>
    public static void ChargeObjects(long count) => Charge((count - 1) * PerTensor);

    /// <inheritdoc/>
    public void Dispose() => _current = _previous;
}

/// <summary>Thrown when a tensor would exceed the <see cref="AllocationBudget"/> of its thread.</summary>
/// <param name="limit">The cap, in elements.</param>
internal sealed class AllocationBudgetExceededException(long limit)
    : Exception($"Allocation beyond the budget of {limit} tensor elements.")
{
    /// <summary>The cap, in elements.</summary>
    public long Limit { get; } = limit;
}
