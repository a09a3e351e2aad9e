using System.Numerics;
using Recurrent.Autodiff;
using Recurrent.Cells;
using Recurrent.Tensors;

namespace Recurrent.Layers;

/// <summary>
/// A recurrent layer: a cell unrolled over the T steps of a sequence with shared weights, optionally stacked
/// (L layers, with dropout between them) and bidirectional, over batches of variable-length sequences. This is
/// PyTorch's <c>nn.RNN</c> / <c>nn.LSTM</c> / <c>nn.GRU</c> with <c>batch_first</c> and packed sequences, for any
/// <see cref="CellKind"/>, and for any <see cref="IRecurrentCell{T}"/> of your own (<see cref="CellKind.Custom"/>).
/// </summary>
/// <remarks>
/// <para>
/// Unrolling: for each layer k and direction d, <c>state[t+1] = cell(x[t+1], state[t])</c> for t = 0 … T−1 (forward) or
/// T−1 … 0 (reverse), with the same cell, so the gradient of every step accumulates into the same weights
/// (backpropagation through time). Layer k's input is layer k−1's output, <c>[forward, reverse]</c> concatenated.
/// </para>
/// <para>
/// Variable lengths: sequence b only runs over its steps 0 … lengths[b]−1. A padded step leaves its state unchanged
/// and outputs zero, so the forward final state is the state at lengths[b]−1 and the reverse direction starts from
/// its initial state at lengths[b]−1, exactly as PyTorch's packed sequences.
/// </para>
/// <para>
/// Parameters are named as PyTorch names them: <c>weight_ih_l{k}</c>, <c>weight_hh_l{k}</c>, <c>bias_ih_l{k}</c>,
/// <c>bias_hh_l{k}</c>, with suffix <c>_reverse</c> for the backward direction; a custom cell's weights get the same
/// suffixes after their own names.
/// </para>
/// </remarks>
/// <typeparam name="T">Element type.</typeparam>
public sealed partial class RecurrentLayer<T> : Module<T> where T : unmanaged, IFloatingPointIeee754<T>
{
    private readonly IRecurrentCell<T>[] _cells;

    /// <summary>Creates the layer with freshly initialised cells of the library.</summary>
    /// <param name="inputSize">Features per step of the input, I.</param>
    /// <param name="spec">The cell, H, stacking, direction, dropout, layout and cell options; see <see cref="RecurrentSpec"/>.</param>
    /// <param name="rng">The random source for initialisation (dropout draws from the tape's <see cref="Tape{T}.Random"/>).</param>
    public RecurrentLayer(int inputSize, RecurrentSpec spec, Rng rng)
        : this(inputSize, LibrarySpec(spec), (i, r) => spec.CreateCell<T>(i, r), rng, custom: false)
    {
    }

    /// <summary>
    /// Creates a layer of cells of your own: <paramref name="createCell"/> makes the cell of each layer and direction,
    /// and the layer adds what it adds to any cell (unrolling with backpropagation through time, stacking, both
    /// directions, dropout between layers, variable lengths, streaming <see cref="Step(ReadOnlySpan{T}, RecurrentState{T}, Span{T})"/>, PyTorch-style names).
    /// </summary>
    /// <remarks>
    /// A custom cell has no fused kernel, so the layer records each step's primitives (the reference unroll). Its
    /// parameters are registered under the cell's own names plus <c>_l{k}</c> (and <c>_reverse</c>): a cell naming its
    /// weights <c>weight_f</c>, <c>bias_f</c> gives <c>weight_f_l0</c>, <c>bias_f_l0_reverse</c>, …
    /// </remarks>
    /// <param name="inputSize">Features per step of the input, I.</param>
    /// <param name="spec">
    /// Stacking, direction, dropout and layout; its <see cref="RecurrentSpec.Cell"/> must be <see cref="CellKind.Custom"/>
    /// (so the spec does not claim a library cell) and its <see cref="RecurrentSpec.HiddenSize"/> the cells' H.
    /// </param>
    /// <param name="createCell">
    /// Makes a new cell with fresh weights from its input size (I for layer 0, the previous layer's D × output size
    /// after) and the random source. Called L × D times, once per layer and direction, in that order.
    /// </param>
    /// <param name="rng">The random source for initialisation, handed to <paramref name="createCell"/>.</param>
    public RecurrentLayer(int inputSize, RecurrentSpec spec, Func<int, Rng, IRecurrentCell<T>> createCell, Rng rng)
        : this(inputSize, CustomSpec(spec), createCell, rng, custom: true)
    {
    }

    private RecurrentLayer(int inputSize, RecurrentSpec spec, Func<int, Rng, IRecurrentCell<T>> createCell, Rng rng, bool custom)
    {
        ArgumentNullException.ThrowIfNull(createCell);
        ArgumentNullException.ThrowIfNull(rng);
        if (inputSize < 1) throw new ArgumentOutOfRangeException(nameof(inputSize), $"inputSize must be positive; got {inputSize}.");
        Spec = spec;
        InputSize = inputSize;
        Directions = spec.Bidirectional ? 2 : 1;
        AllocationBudget.ChargeObjects((long)spec.Layers * Directions); // before the array: a model file may claim 2³¹ layers
        _cells = new IRecurrentCell<T>[spec.Layers * Directions];
        int layerInput = inputSize;
        for (int k = 0; k < spec.Layers; k++)
        {
            for (int d = 0; d < Directions; d++)
            {
                var cell = createCell(layerInput, rng);
                string suffix = $"_l{k}" + (d == 1 ? "_reverse" : "");
                if (custom) CheckCustomCell(cell, layerInput, k, d, suffix);
                _cells[k * Directions + d] = cell;
                foreach (var p in cell.Parameters) RegisterParameter(p.Name + suffix, p);
            }
            layerInput = Directions * _cells[k * Directions].OutputSize;
        }
        OutputSize = layerInput;
    }

    private static RecurrentSpec LibrarySpec(RecurrentSpec spec)
    {
        ArgumentNullException.ThrowIfNull(spec);
        spec.Validate();
        if (spec.Cell == CellKind.Custom)
        {
            throw new ArgumentException("spec.Cell is Custom, a cell of your own, which the library cannot make: use new RecurrentLayer<T>(inputSize, spec, createCell, rng).", nameof(spec));
        }
        return spec;
    }

    private static RecurrentSpec CustomSpec(RecurrentSpec spec)
    {
        ArgumentNullException.ThrowIfNull(spec);
        spec.Validate();
        if (spec.Cell != CellKind.Custom)
        {
            throw new ArgumentException($"spec.Cell is {spec.Cell}; a layer of cells made by createCell needs Cell = CellKind.Custom (for a library cell, use new RecurrentLayer<T>(inputSize, spec, rng)).", nameof(spec));
        }
        return spec;
    }

    /// <summary>
    /// What the layer relies on from a cell it did not make: it takes the input it is given, its H is the spec's, every
    /// cell has the first one's state and output sizes (the state tensors are <c>(L·D, B, size)</c>, the two
    /// directions' outputs are concatenated), it has its own named weights.
    /// </summary>
    private void CheckCustomCell(IRecurrentCell<T>? cell, int inputSize, int layer, int direction, string suffix)
    {
        string which = $"createCell's cell for layer {layer}" + (direction == 1 ? " (reverse)" : "");
        if (cell is null) throw new InvalidOperationException($"{which} is null; expected a new cell.");
        if (cell.State.Count == 0) throw new InvalidOperationException($"{which} has no state; a recurrent cell carries at least h.");
        if (cell.InputSize != inputSize) throw new InvalidOperationException($"{which} has InputSize = {cell.InputSize}; expected the {inputSize} it was asked for.");
        if (cell.HiddenSize != Spec.HiddenSize) throw new InvalidOperationException($"{which} has HiddenSize = {cell.HiddenSize}; the spec's HiddenSize is {Spec.HiddenSize}.");
        if (cell.OutputSize < 1) throw new InvalidOperationException($"{which} has OutputSize = {cell.OutputSize}; expected a positive size.");
        var first = Array.Find(_cells, c => c is not null);
        if (first is not null)
        {
            if (Array.IndexOf(_cells, cell) >= 0) throw new InvalidOperationException($"{which} was returned before; each layer and direction needs a cell with its own weights.");
            if (!cell.State.SequenceEqual(first.State) || cell.OutputSize != first.OutputSize)
            {
                throw new InvalidOperationException($"{which} has state ({string.Join(", ", cell.State)}) and OutputSize = {cell.OutputSize}; the first cell has ({string.Join(", ", first.State)}) and {first.OutputSize}, and every cell of a layer must match it.");
            }
        }
        foreach (var p in cell.Parameters)
        {
            if (string.IsNullOrEmpty(p.Name)) throw new InvalidOperationException($"{which} has an unnamed parameter {Tensor<T>.ShapeText(p.Shape)}; name every weight (weight_ih, …) so the layer can name it (weight_ih{suffix}).");
        }
    }

    /// <summary>What the layer is: its cell, sizes, stacking, direction, dropout and layout.</summary>
    public RecurrentSpec Spec { get; }

    /// <summary>The cell kind, <see cref="RecurrentSpec.Cell"/>: <see cref="CellKind.Custom"/> for a layer of cells of your own.</summary>
    public CellKind Kind => Spec.Cell;

    /// <summary>Features per input step, I.</summary>
    public int InputSize { get; }

    /// <summary>Units per cell state, H (<see cref="RecurrentSpec.HiddenSize"/>).</summary>
    public int HiddenSize => Spec.HiddenSize;

    /// <summary>Features per output step: D × the cell's output size.</summary>
    public int OutputSize { get; }

    /// <summary>1, or 2 when bidirectional.</summary>
    public int Directions { get; }

    /// <summary>The cells, entry <c>k·D + d</c> for layer k and direction d.</summary>
    public IReadOnlyList<IRecurrentCell<T>> Cells => _cells;

    /// <summary>
    /// Whether <see cref="Forward"/> runs the cells' fused sequence kernels (one tape node for the whole layer) where the
    /// cell has them (LSTM, both GRUs, Elman), rather than recording each step's primitives. Default true; the two
    /// paths compute the same values and gradients, and the tests hold them to each other.
    /// </summary>
    public bool UseFusedKernels { get; set; } = true;

    /// <summary>Whether the next <see cref="Forward"/> takes the fused path.</summary>
    public bool RunsFused => UseFusedKernels && _cells[0] is IFusedCell<T> { HasFusedKernels: true };

    /// <summary>The state tensors of each cell (name and size): <c>h</c>, or <c>h, c</c> for LSTM, …</summary>
    public IReadOnlyList<(string Name, int Size)> State => _cells[0].State;

    /// <summary>
    /// Runs the layer over a batch of sequences.
    /// </summary>
    /// <param name="tape">The tape that records the computation.</param>
    /// <param name="x">The input, <c>(B, T, I)</c>, or <c>(T, B, I)</c> when not <see cref="RecurrentSpec.BatchFirst"/>.</param>
    /// <param name="initialState">One tensor per state entry, each <c>(L·D, B, size)</c>; null for zeros.</param>
    /// <param name="lengths">Each sequence's length in <c>[1, T]</c>; empty when all have length T.</param>
    /// <returns>The output sequence and the final states.</returns>
    public RecurrentOutput<T> Forward(Tape<T> tape, Variable<T> x, IReadOnlyList<Variable<T>>? initialState = null, ReadOnlySpan<int> lengths = default)
    {
        ArgumentNullException.ThrowIfNull(tape);
        var (batch, steps) = CheckInput(x);
        CheckInitialState(initialState, batch);
        CheckLengths(lengths, batch, steps);
        if (Quantized is not null) return ForwardQuantized(tape, x, initialState, lengths);
        if (RunsFused) return tape.Record<FusedLayerNode<T>>().Forward(this, x, initialState, lengths, tape.Random);

        bool batchFirst = Spec.BatchFirst;
        int[]? lens = lengths.IsEmpty ? null : lengths.ToArray();

        var finals = new Variable<T>[State.Count][];
        for (int c = 0; c < finals.Length; c++) finals[c] = new Variable<T>[_cells.Length];

        Variable<T> input = x;
        for (int k = 0; k < Spec.Layers; k++)
        {
            var directionOutputs = new Variable<T>[Directions];
            for (int d = 0; d < Directions; d++)
            {
                int index = k * Directions + d;
                var state = new Variable<T>[State.Count];
                for (int c = 0; c < state.Length; c++)
                {
                    state[c] = initialState is null
                        ? new Variable<T>(new Tensor<T>(batch, State[c].Size))
                        : tape.SelectStep(initialState[c], index, batchFirst: false);
                }
                directionOutputs[d] = Unroll(tape, _cells[index], input, state, reverse: d == 1, steps, lens);
                for (int c = 0; c < state.Length; c++) finals[c][index] = state[c];
            }
            var output = Directions == 1 ? directionOutputs[0] : tape.Concat(directionOutputs);
            if (k < Spec.Layers - 1 && IsTraining) output = tape.Dropout(output, Spec.Dropout);
            input = output;
        }

        var finalState = new Variable<T>[State.Count];
        for (int c = 0; c < finalState.Length; c++) finalState[c] = tape.StackSteps(finals[c], batchFirst: false);
        return new RecurrentOutput<T>(input, finalState);
    }

    /// <summary>A zero streaming state for <paramref name="batch"/> sequences, to pass to <see cref="Step(ReadOnlySpan{T}, RecurrentState{T}, Span{T})"/>.</summary>
    /// <param name="batch">B.</param>
    /// <returns>The state, held by the caller.</returns>
    public RecurrentState<T> CreateState(int batch)
    {
        if (batch < 1) throw new ArgumentOutOfRangeException(nameof(batch), $"batch must be positive; got {batch}.");
        return new RecurrentState<T>(Spec.Layers, batch, State);
    }

    /// <summary>
    /// Streaming inference: advances B sequences by one step. <paramref name="x"/> is the step's input <c>(B, I)</c>,
    /// <paramref name="state"/> (from <see cref="CreateState"/>) is read and updated in place, and the last layer's output
    /// <c>(B, OutputSize)</c> is written to <paramref name="output"/>. Nothing is recorded for backward, and a warm call
    /// allocates nothing on the fused path. Not for bidirectional layers, which need the whole sequence.
    /// </summary>
    /// <param name="x">The inputs of this step, row-major <c>(B, I)</c>.</param>
    /// <param name="state">The caller's state.</param>
    /// <param name="output">Receives the outputs <c>(B, OutputSize)</c>.</param>
    public void Step(ReadOnlySpan<T> x, RecurrentState<T> state, Span<T> output) => Step(x, state, output, default);

    /// <summary>
    /// The names of the gate activations that <see cref="Step(ReadOnlySpan{T}, RecurrentState{T}, Span{T}, Span{T})"/>
    /// reports, in their order within a layer's row: <c>i, f, g, o</c> (LSTM: input, forget, candidate, output),
    /// <c>r, z, n</c> (GRUs: reset, update, candidate); empty for a cell without gates (Elman) or a layer that runs
    /// its reference step (no fused kernel, or <see cref="UseFusedKernels"/> off), or an int8 copy (<c>Quantize()</c>).
    /// </summary>
    public IReadOnlyList<string> GateNames => Quantized is null && RunsFused ? StreamKernels()[0].GateNames : [];

    /// <summary>
    /// <see cref="Step(ReadOnlySpan{T}, RecurrentState{T}, Span{T})"/>, and also the gate activations this step computed
    /// in every layer, so a viewer can show the gates of exactly the step that produced the output.
    /// </summary>
    /// <param name="x">The inputs of this step, row-major <c>(B, I)</c>.</param>
    /// <param name="state">The caller's state.</param>
    /// <param name="output">Receives the outputs <c>(B, OutputSize)</c>.</param>
    /// <param name="gates">
    /// Receives <c>(L, B, G·H)</c> with G = <see cref="GateNames"/>.Count, each layer's row holding the G gates of H units
    /// one after another; empty to skip them.
    /// </param>
    public void Step(ReadOnlySpan<T> x, RecurrentState<T> state, Span<T> output, Span<T> gates)
    {
        ArgumentNullException.ThrowIfNull(state);
        if (Directions != 1) throw new InvalidOperationException("A bidirectional layer cannot stream: its reverse direction needs the whole sequence.");
        int batch = state.Batch;
        if (x.Length != batch * InputSize) throw new ArgumentException($"x has {x.Length} values; expected B × InputSize = {batch} × {InputSize}.", nameof(x));
        if (output.Length != batch * OutputSize) throw new ArgumentException($"output has {output.Length} values; expected B × OutputSize = {batch} × {OutputSize}.", nameof(output));
        if (state.Tensors.Count != State.Count || state.Tensors[0].Dim(0) != Spec.Layers)
        {
            throw new ArgumentException($"state does not belong to this layer (expected {State.Count} tensors of {Spec.Layers} layers).", nameof(state));
        }
        if (!gates.IsEmpty)
        {
            int expected = Spec.Layers * batch * GateNames.Count * HiddenSize;
            if (expected == 0) throw new InvalidOperationException($"This {Kind} layer reports no gates (GateNames is empty); pass an empty gates span.");
            if (gates.Length != expected) throw new ArgumentException($"gates has {gates.Length} values; expected L × B × G·H = {Spec.Layers} × {batch} × {GateNames.Count}·{HiddenSize}.", nameof(gates));
        }
        if (Quantized is not null) StepQuantized(x, state, output);
        else if (RunsFused) StepFused(x, state, output, gates);
        else StepReference(x, state, output);
    }

    private FusedSequence<T>[] StreamKernels() => _streamKernels ??= _cells.Select(c => ((IFusedCell<T>)c).CreateSequence()).ToArray();

    private FusedSequence<T>[]? _streamKernels;
    private T[] _streamBuffer = [];
    private Tape<T>? _streamTape;

    private void StepFused(ReadOnlySpan<T> x, RecurrentState<T> state, Span<T> output, Span<T> gates)
    {
        int batch = state.Batch, h = HiddenSize, bh = batch * h;
        StreamKernels();
        int gatesPerLayer = gates.Length / Spec.Layers;
        if (_streamBuffer.Length < 2 * bh) _streamBuffer = new T[2 * bh];
        ReadOnlySpan<T> input = x;
        bool lstm = _streamKernels![0].HasCellState;
        for (int k = 0; k < Spec.Layers; k++)
        {
            bool last = k == Spec.Layers - 1;
            Span<T> layerOut = last ? output : _streamBuffer.AsSpan((k & 1) * bh, bh);
            Span<T> hk = state.Tensors[0].Span.Slice(k * bh, bh);
            Span<T> ck = lstm ? state.Tensors[1].Span.Slice(k * bh, bh) : default;
            var args = new FusedForwardArgs<T>
            {
                X = input, BatchFirst = true, Batch = batch, Steps = 1, Training = false,
                H0 = hk, C0 = ck, Output = layerOut, OutputStride = h, HN = hk, CN = ck,
            };
            _streamKernels![k].Forward(ref args);
            if (!gates.IsEmpty) _streamKernels[k].CopyGates(0, gates.Slice(k * gatesPerLayer, gatesPerLayer));
            input = layerOut;
        }
    }

    private void StepReference(ReadOnlySpan<T> x, RecurrentState<T> state, Span<T> output)
    {
        int batch = state.Batch;
        var tape = _streamTape ??= new Tape<T>();
        tape.Reset();
        var input = new Variable<T>(Tensor.FromArray(x, batch, InputSize));
        for (int k = 0; k < Spec.Layers; k++)
        {
            var cell = _cells[k];
            var current = new Variable<T>[State.Count];
            for (int c = 0; c < current.Length; c++)
            {
                int size = State[c].Size;
                current[c] = new Variable<T>(Tensor.FromArray<T>(state.Tensors[c].Span.Slice(k * batch * size, batch * size), batch, size));
            }
            var step = cell.Step(tape, input, current);
            for (int c = 0; c < current.Length; c++)
            {
                int size = State[c].Size;
                step.State[c].Value.Span.CopyTo(state.Tensors[c].Span.Slice(k * batch * size, batch * size));
            }
            input = step.Output;
        }
        input.Value.Span.CopyTo(output);
    }

    /// <summary>
    /// The reference unroll of one cell over the sequence, one step of the cell's equations at a time.
    /// <paramref name="state"/> holds the initial state on entry and the final state on return.
    /// </summary>
    private Variable<T> Unroll(Tape<T> tape, IRecurrentCell<T> cell, Variable<T> input, Variable<T>[] state, bool reverse, int steps, int[]? lengths)
    {
        bool batchFirst = Spec.BatchFirst;
        var outputs = new Variable<T>[steps];
        bool[]? keep = lengths is null ? null : new bool[lengths.Length];
        for (int s = 0; s < steps; s++)
        {
            int t = reverse ? steps - 1 - s : s;
            var step = cell.Step(tape, tape.SelectStep(input, t, batchFirst), state);
            bool allValid = true;
            if (keep is not null)
            {
                for (int b = 0; b < keep.Length; b++) allValid &= keep[b] = t < lengths![b];
            }
            if (allValid)
            {
                outputs[t] = step.Output;
                step.State.CopyTo(state, 0);
            }
            else
            {
                outputs[t] = tape.WhereRows(keep, step.Output, null);
                for (int c = 0; c < state.Length; c++) state[c] = tape.WhereRows(keep, step.State[c], state[c]);
            }
        }
        return tape.StackSteps(outputs, batchFirst);
    }

    private (int Batch, int Steps) CheckInput(Variable<T> x)
    {
        ArgumentNullException.ThrowIfNull(x);
        string layout = Spec.BatchFirst ? "(B, T, I)" : "(T, B, I)";
        if (x.Value.Rank != 3) throw new ArgumentException($"x must be {layout} with I = {InputSize}; got {Tensor<T>.ShapeText(x.Shape)}.", nameof(x));
        if (x.Value.Dim(2) != InputSize) throw new ArgumentException($"x has {x.Value.Dim(2)} features per step; this layer expects InputSize = {InputSize}.", nameof(x));
        int batch = Spec.BatchFirst ? x.Value.Dim(0) : x.Value.Dim(1);
        int steps = Spec.BatchFirst ? x.Value.Dim(1) : x.Value.Dim(0);
        if (batch == 0 || steps == 0) throw new ArgumentException($"x must have at least one sequence and one step; got {Tensor<T>.ShapeText(x.Shape)}.", nameof(x));
        return (batch, steps);
    }

    private void CheckInitialState(IReadOnlyList<Variable<T>>? initialState, int batch)
    {
        if (initialState is null) return;
        if (initialState.Count != State.Count)
        {
            throw new ArgumentException($"initialState has {initialState.Count} tensors; this {Kind} layer expects {State.Count} ({string.Join(", ", State.Select(s => s.Name))}).", nameof(initialState));
        }
        for (int c = 0; c < State.Count; c++)
        {
            int[] expected = [_cells.Length, batch, State[c].Size];
            if (!initialState[c].Value.HasShape(expected))
            {
                throw new ArgumentException($"initial state {State[c].Name} has shape {Tensor<T>.ShapeText(initialState[c].Shape)}; expected (L·D, B, {State[c].Size}) = {Tensor<T>.ShapeText(expected)}.", nameof(initialState));
            }
        }
    }

    private static void CheckLengths(ReadOnlySpan<int> lengths, int batch, int steps)
    {
        if (lengths.IsEmpty) return;
        if (lengths.Length != batch) throw new ArgumentException($"lengths has {lengths.Length} entries; expected one per sequence, B = {batch}.", nameof(lengths));
        for (int b = 0; b < lengths.Length; b++)
        {
            if (lengths[b] < 1 || lengths[b] > steps)
            {
                throw new ArgumentException($"lengths[{b}] = {lengths[b]} is outside [1, T = {steps}].", nameof(lengths));
            }
        }
    }
}
