using Recurrent.Onnx.Proto;

namespace Recurrent.Onnx.Import;

/// <summary>
/// The pooling over time that a masked graph writes out in arithmetic, recognised on the data's named axes:
/// <list type="bullet">
/// <item>last step: <c>ReduceSum_t(y ⊙ [t = lengths[b] − 1])</c>, one non-zero term per sequence;</item>
/// <item>mean: <c>ReduceSum_t(y) / lengths[b]</c> (padded steps of a recurrent output are 0), or <c>/ T</c> without lengths;</item>
/// <item>a bidirectional last step: the forward half (D·H)[0:H] at the last step and the reverse half [H:2H] at
/// step 0, where it has read the whole sequence, concatenated back into (D·H).</item>
/// </list>
/// These are a <see cref="Models.SequencePooling"/>'s definitions, so they import as that pooling; the lengths a
/// pooling used are kept (<see cref="Flow.PoolLengths"/>) for the assembler to check against the recurrent nodes'.
/// </summary>
internal static class FlowPooling
{
    /// <summary><c>y ⊙ mask</c>: the mask must be the last-step mask over y's own time and batch axes.</summary>
    public static Flow MaskLast(NodeProto node, Flow x, MaskValue mask, GraphWalker walker)
    {
        var context = walker.Context;
        if (mask.Kind != MaskKind.Last || x.Stage != FlowStage.Sequence || x.Pooled || x.Half == 1)
        {
            throw context.UnsupportedNode(node, $"multiplies {FlowOps.Describe(x)} by a {mask.Kind} mask; the importer maps the forward output times the last-step mask [t = lengths − 1].");
        }
        bool aligned = mask.Axes.Length == x.Axes.Length
            && mask.Axes.Select((a, i) => a.Name == "1" || a.Text == x.Axes[i].Text).All(b => b)
            && mask.Axes.Any(a => a.Name == walker.TimeAxis) && mask.Axes.Any(a => a.Name == walker.BatchAxis);
        if (!aligned) throw context.UnsupportedNode(node, $"multiplies data with axes {x.AxesText} by a mask with axes {Axis.TextOf(mask.Axes)}; expected the mask over the same time and batch axes.");
        return x with { LastMasked = true, PoolLengths = mask.Lengths };
    }

    /// <summary>ReduceSum over the time axis alone: a masked last step becomes the last step, a plain output its sum.</summary>
    public static Flow Sum(NodeProto node, Flow x, long[]? axes, GraphWalker walker)
    {
        var context = walker.Context;
        int at = Array.FindIndex(x.Axes, a => a.Name == walker.TimeAxis);
        var named = axes?.Select(a => ShapeOps.Axis(a, x.Axes.Length, context, node)).ToArray();
        bool masked = x.LastMasked && !x.LastStep;
        if (x.Stage != FlowStage.Sequence || at < 0 || named is not [var only] || only != at || !(masked || !x.Pooled && x.Half < 0))
        {
            throw context.UnsupportedNode(node, $"sums {FlowOps.Describe(x)} over axes [{string.Join(", ", axes ?? [])}]; the importer maps a sum over the time axis of a recurrent output (a mean) or of its last-step-masked forward output.");
        }
        bool keep = NodeAttributes.Int(node, "keepdims", 1) != 0;
        var reduced = keep ? x.Axes.Select((a, i) => i == at ? new Axis("1", 1) : a).ToArray() : x.Axes.Where((_, i) => i != at).ToArray();
        return masked ? x with { Axes = reduced, LastMasked = false, LastStep = true } : x with { Axes = reduced, Summed = true };
    }

    /// <summary>The sum over time divided by each sequence's length (B, 1), or by T: the mean.</summary>
    public static Flow Divide(NodeProto node, Flow x, GraphValue? divisor, GraphWalker walker)
    {
        var context = walker.Context;
        if (x.Stage != FlowStage.Sequence || !x.Summed || x.Mean)
        {
            throw context.UnsupportedNode(node, $"divides {FlowOps.Describe(x)}; the importer maps the mean, a sum over time divided by the lengths or by T.");
        }
        switch (divisor)
        {
            case MaskValue { Kind: MaskKind.Lengths, Offset: 0 } n when n.Axes.Length <= x.Axes.Length
                && n.Axes.Select((a, i) => a.Name == "1" || a.Text == x.Axes[x.Axes.Length - n.Axes.Length + i].Text).All(b => b)
                && n.Axes.Any(a => a.Name == walker.BatchAxis):
                return x with { Summed = false, Mean = true, PoolLengths = n.Lengths };
            case DimsValue { Dims: [var t] } when t.Name == walker.TimeAxis:
                return x with { Summed = false, Mean = true, PoolLengths = null };
            default:
                throw context.UnsupportedNode(node, $"divides the sum over time by {Describe(divisor)}; the importer maps the mean, divided by the lengths (B, 1) or by the number of steps T.");
        }
    }

    /// <summary>
    /// Concat of the forward half at the last step and the reverse half at step 0, along their hidden axis: the
    /// bidirectional last step (B, D·H).
    /// </summary>
    public static Flow Halves(NodeProto node, Flow[] parts, int axis, ImportContext context)
    {
        if (parts is not [var forward, var reverse] || forward.Half != 0 || !forward.LastStep || reverse.Half != 1 || !reverse.FirstStep
            || forward.Layer != reverse.Layer || forward.Axes.Length != reverse.Axes.Length || axis != forward.Axes.Length - 1
            || forward.Axes.Select((a, i) => a.Text == reverse.Axes[i].Text).Any(same => !same))
        {
            throw context.UnsupportedNode(node, "concatenates recurrent outputs other than the forward half at the last step and the reverse half at step 0, (D·H)[0:H] and [H:2H] along the features, the bidirectional last step.");
        }
        var features = Axis.Merge([new Axis("D", 2), forward.Axes[axis]]);
        return forward with { Axes = forward.Axes.Select((a, i) => i == axis ? features : a).ToArray(), Half = -1, ReverseFirst = true };
    }

    private static string Describe(GraphValue? value) => value switch
    {
        MaskValue m => $"a {m.Kind} mask {Axis.TextOf(m.Axes)}",
        DimsValue d => $"the run-time size of axes {Axis.TextOf(d.Dims)}",
        _ => "another tensor",
    };
}
