namespace Recurrent.Onnx.Import;

/// <summary>
/// What the importer knows about one tensor of the graph as it walks the nodes in order: a constant it can compute, a
/// value computed from the data's shape, a tensor known to be zero, a graph input, or the data itself with its axes.
/// </summary>
internal abstract record GraphValue;

/// <summary>A tensor whose elements are known: initializers, <c>Constant</c> nodes and what the folder computes from them.</summary>
internal sealed record ConstantValue(ConstTensor Tensor) : GraphValue;

/// <summary>
/// A tensor known only at run time that is not on the data path: the data's shape (<c>Shape</c>) and the arithmetic on
/// it, or an operator the folder does not compute over constants.
/// </summary>
/// <param name="Node">The node that computed it.</param>
/// <param name="OpType">That node's operator.</param>
internal sealed record OpaqueValue(string Node, string OpType) : GraphValue;

/// <summary>A tensor of zeros whose shape is known only at run time: <c>ConstantOfShape</c> and its slices (zero initial states).</summary>
internal sealed record ZerosValue : GraphValue
{
    public static readonly ZerosValue Instance = new();
}

/// <summary>A graph input before the importer has seen what it is (the sequence, token ids, initial states or lengths).</summary>
/// <param name="Name">The input's name.</param>
/// <param name="ElementType">Its ONNX element type.</param>
/// <param name="Rank">Its rank, −1 when the graph does not say.</param>
internal sealed record InputValue(string Name, int ElementType, int Rank) : GraphValue
{
    /// <summary>The declared dimensions, −1 where symbolic; null when the graph declares no shape.</summary>
    public int[]? Dims { get; init; }

    /// <summary>For token ids (B, T): whether they were transposed to (T, B) before the embedding looks them up.</summary>
    public bool Transposed { get; init; }
}

/// <summary>Rows [Start, End) of an initial-state graph input <c>(L·D, B, H)</c>, as torch slices it per layer.</summary>
internal sealed record StateInputValue(string Input, int Start, int End) : GraphValue;

/// <summary>
/// One axis of a data tensor: the batch and time axes are named after the input's axes (<c>a0</c>, <c>a1</c>) and
/// have no fixed size; the others have a role (<c>F</c> features, <c>D</c> directions, <c>H</c> hidden units, <c>O</c>
/// head outputs, <c>1</c> a unit axis) and a size. A merged axis (Reshape) lists its parts, outer first.
/// </summary>
internal sealed record Axis(string Name, int Size, Axis[]? Parts = null)
{
    /// <summary>Whether the axis's size is only known at run time (batch or time).</summary>
    public bool IsDynamic => Size < 0;

    /// <summary>The axis as text: <c>a0</c>, <c>H5</c>, <c>(D2·H5)</c>.</summary>
    public string Text => Parts is null ? (IsDynamic ? Name : $"{Name}{Size}") : "(" + string.Join("·", Parts.Select(p => p.Text)) + ")";

    /// <summary>A merged axis of <paramref name="parts"/>, or the one part.</summary>
    public static Axis Merge(IReadOnlyList<Axis> parts) =>
        parts.Count == 1 ? parts[0] : new Axis("M", parts.Aggregate(1, (a, p) => a * p.Size), parts.SelectMany(p => p.Parts ?? [p]).ToArray());

    /// <summary>The axes as text: <c>[a0, a1, (D2·H5)]</c>.</summary>
    public static string TextOf(IEnumerable<Axis> axes) => "[" + string.Join(", ", axes.Select(a => a.Text)) + "]";
}

/// <summary>Where on the data path a tensor is.</summary>
internal enum FlowStage
{
    /// <summary>The model's input sequence, or its embedding: what the first recurrent node reads.</summary>
    Features,

    /// <summary>The frame encoder's affine map <c>W_e·x + b_e</c> of the input, before its ReLU.</summary>
    Frames,

    /// <summary>A recurrent node's output sequence Y.</summary>
    Sequence,

    /// <summary>Final states Y_h or Y_c of one or more recurrent nodes.</summary>
    State,

    /// <summary>The head's product x·Wᵀ, before its bias.</summary>
    Head,

    /// <summary>The head's scores with their bias: the model's logits.</summary>
    Scores,

    /// <summary>A softmax over the scores (our exporter's probability output).</summary>
    Softmax,
}

/// <summary>
/// The data itself: a tensor on the path from the model's input to its outputs, with its axes and where it is.
/// </summary>
/// <param name="Axes">The axes, outer first.</param>
/// <param name="Stage">Where on the path.</param>
/// <param name="Layer">The last recurrent node it went through (0-based), −1 before the first.</param>
/// <param name="State">For states: <c>h</c> or <c>c</c>.</param>
/// <param name="RowStart">For states: the first row (layer · D + direction) of the stack of all layers' final states.</param>
/// <param name="RowCount">For states: how many rows.</param>
/// <param name="LastStep">Whether the time axis was reduced to its last step (<c>Gather(axis = T, −1)</c>, a slice of the last step).</param>
/// <param name="Mean">Whether the time axis was reduced to its mean (<c>ReduceMean(axes = [T])</c>).</param>
internal sealed record Flow(Axis[] Axes, FlowStage Stage, int Layer, char State = ' ', int RowStart = 0, int RowCount = 0, bool LastStep = false, bool Mean = false) : GraphValue
{
    /// <summary>Which half of a bidirectional output's features (D·H) it is: 0 forward, 1 reverse, −1 both.</summary>
    public int Half { get; init; } = -1;

    /// <summary>The time axis reduced to step 0 (<c>[0:1]</c>): the reverse half's final output.</summary>
    public bool FirstStep { get; init; }

    /// <summary>
    /// With <see cref="LastStep"/>: the forward half at the last step and the reverse half at step 0 concatenated, the
    /// library's last step of a bidirectional layer (not <c>out[:, -1]</c>, whose reverse half has read one step).
    /// </summary>
    public bool ReverseFirst { get; init; }

    /// <summary>Multiplied by the mask of each sequence's last valid step (<c>t = lengths[b] − 1</c>), time not yet reduced.</summary>
    public bool LastMasked { get; init; }

    /// <summary>Summed over the time axis (<c>ReduceSum</c>), not yet divided into a mean.</summary>
    public bool Summed { get; init; }

    /// <summary>The lengths input the pooling took each sequence's own steps from, or null (all T steps).</summary>
    public string? PoolLengths { get; init; }

    /// <summary>Whether the time axis was reduced (last step or mean), or is on the way to be.</summary>
    public bool Pooled => LastStep || Mean || FirstStep || LastMasked || Summed;

    /// <summary>The axes as text.</summary>
    public string AxesText => Axis.TextOf(Axes);
}

/// <summary>
/// Entries of a data tensor's run-time shape (<c>Shape</c> of the data, sliced or gathered): which axes they measure.
/// Unused by the model, it lets the mean's divisor <c>T</c> and the mask's steps <c>0 … T−1</c> be recognised.
/// </summary>
/// <param name="Dims">The axes measured, in order.</param>
/// <param name="Scalar">Whether it is a scalar (one dimension, squeezed) rather than a vector.</param>
internal sealed record DimsValue(Axis[] Dims, bool Scalar) : GraphValue;

/// <summary>What a <see cref="MaskValue"/> computes.</summary>
internal enum MaskKind
{
    /// <summary><c>lengths[b] + Offset</c>.</summary>
    Lengths,

    /// <summary><c>t</c>, the step index along the time axis (<c>Range(0, T, 1)</c>).</summary>
    Steps,

    /// <summary><c>t &lt; lengths[b]</c>: the valid steps.</summary>
    Valid,

    /// <summary><c>t = lengths[b] − 1</c>: each sequence's last valid step.</summary>
    Last,
}

/// <summary>
/// A tensor computed from the sequence lengths input and the time axis, as exporters build padding masks; element types
/// (int, bool, float 0/1) are not told apart, since the casts between them keep the values.
/// </summary>
/// <param name="Kind">What it computes.</param>
/// <param name="Lengths">The lengths graph input, or null for <see cref="MaskKind.Steps"/>.</param>
/// <param name="Axes">Its axes: the batch axis, the time axis and unit axes.</param>
/// <param name="Offset">For <see cref="MaskKind.Lengths"/>: the constant added to the lengths.</param>
internal sealed record MaskValue(MaskKind Kind, string? Lengths, Axis[] Axes, long Offset = 0) : GraphValue;
