using System.Numerics;
using Recurrent.Tensors;

namespace Recurrent.Autodiff;

/// <summary>
/// Reverse-mode automatic differentiation: a tape (Wengert list) of the operations a forward pass performs, played
/// backwards by <see cref="Backward(Variable{T})"/> to compute the gradient of a loss with respect to every variable
/// that requires one.
/// </summary>
/// <remarks>
/// <para>
/// The operations are extension methods in <see cref="Ops"/>, one primitive per file under <c>Autodiff/Ops</c>:
/// <c>tape.MatMul(x, w, transposeB: true)</c>, <c>tape.Sigmoid(a)</c>, … A training step calls <see cref="Reset"/>,
/// records the forward pass, and calls <see cref="Backward(Variable{T})"/>. Unrolling a recurrent cell over T steps is
/// simply recording its T steps with the same weight variables: backpropagation through time is this tape played
/// backwards.
/// </para>
/// <para>
/// After <see cref="Reset"/> the tape keeps its node objects and their buffers and hands them out again, in order,
/// to the same operations: from the second step on, a training step whose shapes do not change allocates nothing.
/// A tape is used by one thread at a time.
/// </para>
/// </remarks>
/// <typeparam name="T">Element type: float for work, double for gradient checks.</typeparam>
public sealed class Tape<T> where T : unmanaged, IFloatingPointIeee754<T>
{
    private readonly List<Node<T>> _nodes = [];
    private readonly List<Variable<T>> _produced = [];
    private int _count;

    /// <summary>
    /// The random source of the operations recorded on this tape (dropout masks). A trainer reseeds it at every step
    /// from the run's seed and the step number, so that a resumed run draws the same masks as an uninterrupted one.
    /// </summary>
    public Rng Random { get; } = new(0x5EED);

    /// <summary>The number of operations recorded since the last <see cref="Reset"/>.</summary>
    public int Count => _count;

    /// <summary>Forgets the recorded operations, keeping their nodes and buffers for reuse.</summary>
    public void Reset()
    {
        _count = 0;
        _produced.Clear();
    }

    /// <summary>
    /// Back-propagates from a scalar <paramref name="loss"/>: every variable that requires a gradient and that the
    /// loss depends on gets <c>d loss / d variable</c> added to its gradient.
    /// </summary>
    /// <param name="loss">A variable with one element, recorded on this tape.</param>
    public void Backward(Variable<T> loss)
    {
        if (loss.Value.Length != 1)
        {
            throw new ArgumentException($"Backward from a loss needs one element; got shape {Tensor<T>.ShapeText(loss.Shape)}. Pass output gradients instead.", nameof(loss));
        }
        ClearIntermediateGrads();
        loss.GradForAccumulation().Fill(T.One);
        Sweep();
    }

    /// <summary>
    /// Back-propagates given gradients of several outputs at once (for a loss <c>Σ sum(output ⊙ gradient)</c>).
    /// </summary>
    /// <param name="seeds">Each output with the gradient of the loss with respect to it (same shape).</param>
    public void Backward(params ReadOnlySpan<(Variable<T> Output, Tensor<T> Gradient)> seeds)
    {
        ClearIntermediateGrads();
        foreach (var (output, gradient) in seeds)
        {
            if (!output.Value.SameShape(gradient))
            {
                throw new ArgumentException($"The gradient for {output} has shape {Tensor<T>.ShapeText(gradient.Shape)}; expected {Tensor<T>.ShapeText(output.Shape)}.", nameof(seeds));
            }
            var g = output.GradForAccumulation();
            TensorPrimitives.Add(g.Span, gradient.Span, g.Span);
        }
        Sweep();
    }

    /// <summary>
    /// The next node for an operation of type <typeparamref name="TNode"/>: the one recorded at this position in the
    /// previous pass if it has that type, a new one otherwise.
    /// </summary>
    /// <typeparam name="TNode">The operation's node type.</typeparam>
    /// <returns>The node, attached to this tape.</returns>
    public TNode Record<TNode>() where TNode : Node<T>, new()
    {
        TNode node;
        if (_count < _nodes.Count && _nodes[_count] is TNode reused)
        {
            node = reused;
        }
        else
        {
            node = new TNode { Tape = this };
            if (_count < _nodes.Count) _nodes[_count] = node;
            else _nodes.Add(node);
        }
        _count++;
        return node;
    }

    /// <summary>Registers an intermediate result, whose gradient each backward pass restarts from zero.</summary>
    /// <param name="produced">A variable an operation has just written.</param>
    internal void Track(Variable<T> produced) => _produced.Add(produced);

    private void ClearIntermediateGrads()
    {
        foreach (var v in _produced) v.ZeroGrad();
    }

    private void Sweep()
    {
        for (int i = _count - 1; i >= 0; i--) _nodes[i].Backward();
    }
}
