using Recurrent.Onnx.Proto;
using DataType = Recurrent.Onnx.Proto.TensorProto.Types.DataType;

namespace Recurrent.Onnx.Import;

/// <summary>
/// The padding masks of a graph that takes sequence lengths, followed symbolically: the lengths input (int, (B)), the
/// steps <c>0 … T−1</c> from the data's run-time shape, their comparisons <c>t &lt; lengths[b]</c> and
/// <c>t = lengths[b] − 1</c>, and what the data does with them (see <see cref="FlowPooling"/>): the last step
/// <c>Σ_t y[t]·[t = len − 1]</c> and the mean <c>Σ_t y[t] / len</c> (or <c>/ T</c> without lengths).
/// </summary>
/// <remarks>
/// Recurrent's exporter writes these (<c>SequenceMask</c>, <c>ModelGraphs.LastStep</c> and <c>Mean</c>); a Sequential
/// computes the same from the lengths given to its <c>Forward</c>. Every value keeps its axes by name, so a mask
/// broadcast against the wrong axis is refused rather than read as a pooling.
/// </remarks>
internal sealed class MaskOps(GraphWalker walker)
{
    private ImportContext Context => walker.Context;

    /// <summary>The node's outputs when it computes a mask, a shape entry, or pools the data with them; else null.</summary>
    public GraphValue[]? TryApply(NodeProto node, GraphValue?[] inputs)
    {
        var first = inputs.Length > 0 ? inputs[0] : null;
        var second = inputs.Length > 1 ? inputs[1] : null;
        switch (node.OpType, first, second)
        {
            case ("Shape", Flow f, _) when !NodeAttributes.Has(node, "start") && !NodeAttributes.Has(node, "end"):
                return [new DimsValue(f.Axes, Scalar: false)];
            case ("Slice", DimsValue d, _) when !d.Scalar && walker.Opset >= 10:
                return SliceDims(d, inputs);
            case ("Squeeze", DimsValue { Scalar: false, Dims.Length: 1 } d, _):
                return [d with { Scalar = true }];
            case ("Unsqueeze", DimsValue { Scalar: true } d, _):
                return [d with { Scalar = false }];
            case ("Cast", DimsValue d, _):
                return [d];
            case ("Range", ConstantValue { Tensor.Values: [0] }, DimsValue { Scalar: true, Dims: [{ IsDynamic: true } t] })
                when inputs.Length > 2 && inputs[2] is ConstantValue { Tensor.Values: [1] }:
                return [new MaskValue(MaskKind.Steps, null, [t])];
            case ("Cast" or "Unsqueeze", InputValue { ElementType: (int)DataType.Int32 or (int)DataType.Int64, Rank: 1 } lengths, _):
                var batch = walker.BatchAxis ?? throw Context.UnsupportedNode(node, $"reads the lengths '{lengths.Name}' before any recurrent node; the importer maps lengths that the recurrent nodes read as sequence_lens.");
                return TryApply(node, [new MaskValue(MaskKind.Lengths, lengths.Name, [new Axis(batch, -1)]), .. inputs[1..]]);
            case ("Cast", MaskValue m, _):
                return [Cast(node, m)];
            case ("Unsqueeze", MaskValue m, _):
                var axes = UnsqueezeAxes(node, inputs);
                return [m with { Axes = FlowShapes.Unsqueeze(node, new Flow(m.Axes, FlowStage.Features, -1), axes, Context).Axes }];
            case ("Sub" or "Add", MaskValue { Kind: MaskKind.Lengths } m, ConstantValue c) when c.Tensor.Values.Length == 1:
                long k = (long)c.Tensor.Values[0];
                return [m with { Offset = m.Offset + (node.OpType == "Sub" ? -k : k), Axes = Broadcast(node, m.Axes, c.Tensor.Shape.Select(_ => new Axis("1", 1)).ToArray()) }];
            case ("Less", MaskValue { Kind: MaskKind.Steps } t, MaskValue { Kind: MaskKind.Lengths, Offset: 0 } n):
                return [new MaskValue(MaskKind.Valid, n.Lengths, Broadcast(node, t.Axes, n.Axes))];
            case ("Equal", MaskValue { Kind: MaskKind.Steps } t, MaskValue { Kind: MaskKind.Lengths, Offset: -1 } n):
                return [new MaskValue(MaskKind.Last, n.Lengths, Broadcast(node, t.Axes, n.Axes))];
            case ("Equal", MaskValue { Kind: MaskKind.Lengths, Offset: -1 } n, MaskValue { Kind: MaskKind.Steps } t):
                return [new MaskValue(MaskKind.Last, n.Lengths, Broadcast(node, t.Axes, n.Axes))];
            case ("Mul", Flow x, MaskValue m):
                return [FlowPooling.MaskLast(node, x, m, walker)];
            case ("Mul", MaskValue m, Flow x):
                return [FlowPooling.MaskLast(node, x, m, walker)];
            case ("Div", Flow x, MaskValue or DimsValue):
                return [FlowPooling.Divide(node, x, second, walker)];
        }
        if (inputs.Any(v => v is MaskValue { Lengths: not null }))
        {
            throw Context.UnsupportedNode(node, "computes with the sequence lengths in a way the importer does not map (it maps the masks t < lengths, t = lengths − 1 and the mean's division by lengths).");
        }
        return null;
    }

    /// <summary>
    /// Shape entries and step indices that no mask uses are shape arithmetic, as before they were recognised: opaque.
    /// </summary>
    public static GraphValue?[] Opaque(NodeProto node, GraphValue?[] inputs) =>
        inputs.Select(v => v is DimsValue or MaskValue ? new OpaqueValue(ImportContext.NameOf(node), node.OpType) : v).ToArray();

    private GraphValue[]? SliceDims(DimsValue d, GraphValue?[] inputs)
    {
        var c = inputs.Select(v => (v as ConstantValue)?.Tensor).ToArray();
        if (c.Length < 3 || c[1] is not { } starts || c[2] is not { } ends) return null;
        long[] axes = c.Length > 3 && c[3] is { } a ? a.ToLongs() : [0];
        long[] steps = c.Length > 4 && c[4] is { } s ? s.ToLongs() : [1];
        if (axes is not ([0] or [-1]) || steps is not [1] || starts.Values.Length != 1 || ends.Values.Length != 1) return null;
        long n = d.Dims.Length, from = starts.ToLongs()[0], to = ends.ToLongs()[0];
        if (from < 0) from += n;
        if (to < 0) to += n;
        from = Math.Clamp(from, 0, n);
        to = Math.Clamp(to, from, n);
        return [new DimsValue(d.Dims[(int)from..(int)to], Scalar: false)];
    }

    private MaskValue Cast(NodeProto node, MaskValue m)
    {
        var to = (DataType)NodeAttributes.Int(node, "to", 0);
        bool keeps = to is DataType.Float or DataType.Double or DataType.Int32 or DataType.Int64
            || to == DataType.Bool && m.Kind is MaskKind.Valid or MaskKind.Last;
        return keeps ? m : throw Context.UnsupportedNode(node, $"casts a {m.Kind} mask to {to}, which changes its values; the importer maps casts between int, float and bool masks.");
    }

    private long[] UnsqueezeAxes(NodeProto node, GraphValue?[] inputs) =>
        (walker.Opset < 13 ? NodeAttributes.Ints(node, "axes") : inputs.Length > 1 && inputs[1] is ConstantValue c ? c.Tensor.ToLongs() : null)
        ?? throw Context.UnsupportedNode(node, "unsqueezes a mask at axes the importer cannot read (a constant is needed).");

    /// <summary>NumPy broadcasting over named axes, aligned from the right: equal axes, or a unit axis against any.</summary>
    public Axis[] Broadcast(NodeProto node, Axis[] a, Axis[] b)
    {
        int rank = Math.Max(a.Length, b.Length);
        var result = new Axis[rank];
        for (int i = 1; i <= rank; i++)
        {
            var x = i <= a.Length ? a[^i] : new Axis("1", 1);
            var y = i <= b.Length ? b[^i] : new Axis("1", 1);
            result[^i] = x.Name == "1" ? y : y.Name == "1" || x.Text == y.Text ? x
                : throw Context.UnsupportedNode(node, $"combines axes {Axis.TextOf(a)} and {Axis.TextOf(b)}, which do not broadcast by name (the batch and time axes must meet their own).");
        }
        return result;
    }
}
