using System.Numerics;
using Recurrent.Tensors;

namespace Recurrent.Optimizers;

/// <summary>
/// Everything an <see cref="Optimizer{T}"/> has learnt about its parameters, so that a run resumed from a checkpoint
/// takes bit for bit the steps the uninterrupted run would have taken: PyTorch's <c>optimizer.state_dict()</c>, keyed by
/// parameter name rather than by position.
/// </summary>
/// <typeparam name="T">Element type.</typeparam>
/// <param name="Kind">The optimizer's PyTorch class name (<c>Adam</c>, <c>SGD</c>, …); a state only loads into the same kind.</param>
/// <param name="LearningRate">The learning rate at the time of the export.</param>
/// <param name="Steps">The updates each parameter has received (parameters never updated are absent).</param>
/// <param name="Buffers">
/// Each updated parameter's state tensors, keyed <c>&lt;parameter&gt;.&lt;state&gt;</c> with PyTorch's state names:
/// <c>rnn.weight_ih_l0.exp_avg</c>, <c>rnn.weight_ih_l0.exp_avg_sq</c>, <c>decoder.weight.momentum_buffer</c>, …
/// </param>
public sealed record OptimizerState<T>(
    string Kind,
    double LearningRate,
    IReadOnlyDictionary<string, long> Steps,
    IReadOnlyDictionary<string, Tensor<T>> Buffers)
    where T : unmanaged, IFloatingPointIeee754<T>;
