namespace Recurrent.Kernels;

/// <summary>
/// A body of work split into numbered pieces for <see cref="Parallelism.For"/>. Callers keep one instance and
/// reuse it, so that dispatching work to the cores allocates nothing.
/// </summary>
internal interface IParallelTask
{
    /// <summary>Runs piece <paramref name="index"/>; pieces may run concurrently on different threads.</summary>
    /// <param name="index">The piece, in <c>[0, count)</c>.</param>
    void Run(int index);
}
