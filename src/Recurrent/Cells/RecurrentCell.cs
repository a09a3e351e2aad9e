using System.Numerics;
using Recurrent.Autodiff;
using Recurrent.Tensors;

namespace Recurrent.Cells;

/// <summary>
/// What every cell shares: its sizes, its named weights with PyTorch's default initialisation U(−1/√H, 1/√H), and the
/// checks that reject a wrongly shaped input or state with a message naming the expected size.
/// </summary>
/// <typeparam name="T">Element type.</typeparam>
public abstract class RecurrentCell<T> : IRecurrentCell<T> where T : unmanaged, IFloatingPointIeee754<T>
{
    private readonly List<Variable<T>> _parameters = [];

    /// <summary>Sets the sizes; derived cells then create their weights with <see cref="AddWeight"/>.</summary>
    /// <param name="inputSize">I.</param>
    /// <param name="hiddenSize">H.</param>
    protected RecurrentCell(int inputSize, int hiddenSize)
    {
        if (inputSize <= 0) throw new ArgumentOutOfRangeException(nameof(inputSize), $"inputSize must be positive; got {inputSize}.");
        if (hiddenSize <= 0) throw new ArgumentOutOfRangeException(nameof(hiddenSize), $"hiddenSize must be positive; got {hiddenSize}.");
        InputSize = inputSize;
        HiddenSize = hiddenSize;
    }

    /// <inheritdoc/>
    public abstract CellKind Kind { get; }

    /// <inheritdoc/>
    public int InputSize { get; }

    /// <inheritdoc/>
    public int HiddenSize { get; }

    /// <inheritdoc/>
    public virtual int OutputSize => HiddenSize;

    /// <inheritdoc/>
    public abstract IReadOnlyList<(string Name, int Size)> State { get; }

    /// <inheritdoc/>
    public IReadOnlyList<Variable<T>> Parameters => _parameters;

    /// <inheritdoc/>
    public CellStep<T> Step(Tape<T> tape, Variable<T> x, ReadOnlySpan<Variable<T>> state)
    {
        ArgumentNullException.ThrowIfNull(tape);
        ArgumentNullException.ThrowIfNull(x);
        if (x.Value.Rank != 2)
        {
            throw new ArgumentException($"x must be (B, I = {InputSize}); got {Tensor<T>.ShapeText(x.Shape)}.", nameof(x));
        }
        if (x.Value.Dim(1) != InputSize)
        {
            throw new ArgumentException($"x has {x.Value.Dim(1)} features per row; this cell expects InputSize = {InputSize}.", nameof(x));
        }
        int batch = x.Value.Dim(0);
        if (state.Length != State.Count)
        {
            throw new ArgumentException($"state has {state.Length} tensors; this {Kind} cell expects {State.Count} ({string.Join(", ", State.Select(s => s.Name))}).", nameof(state));
        }
        for (int i = 0; i < state.Length; i++)
        {
            var s = state[i].Value;
            if (s.Rank != 2 || s.Dim(0) != batch || s.Dim(1) != State[i].Size)
            {
                throw new ArgumentException($"state {State[i].Name} has shape {Tensor<T>.ShapeText(s.Shape)}; this cell expects (B = {batch}, {State[i].Size}).", nameof(state));
            }
        }
        return StepCore(tape, x, state);
    }

    /// <summary>The cell's equations on checked arguments.</summary>
    /// <param name="tape">The tape.</param>
    /// <param name="x">x[t+1], <c>(B, I)</c>.</param>
    /// <param name="state">The state at t.</param>
    /// <returns>The output and the state at t+1.</returns>
    protected abstract CellStep<T> StepCore(Tape<T> tape, Variable<T> x, ReadOnlySpan<Variable<T>> state);

    /// <summary>Creates a weight drawn from U(−1/√H, 1/√H), PyTorch's default for recurrent modules.</summary>
    /// <param name="name">PyTorch-style name without layer suffix.</param>
    /// <param name="rng">The random source.</param>
    /// <param name="shape">Its shape.</param>
    /// <returns>The parameter, which requires a gradient.</returns>
    protected Variable<T> AddWeight(string name, Rng rng, params int[] shape)
    {
        double bound = 1.0 / Math.Sqrt(HiddenSize);
        var p = new Variable<T>(Tensor.Uniform<T>(rng, -bound, bound, shape), requiresGrad: true, name);
        _parameters.Add(p);
        return p;
    }

    /// <summary>Checks the output-layer size O of cells that have one.</summary>
    /// <param name="outputSize">O.</param>
    /// <returns><paramref name="outputSize"/>.</returns>
    protected static int CheckOutputSize(int outputSize) => outputSize > 0 ? outputSize
        : throw new ArgumentOutOfRangeException(nameof(outputSize), $"outputSize is {outputSize}; expected a positive size O of the output layer ŷ.");
}
