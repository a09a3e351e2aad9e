using Recurrent.Onnx.Proto;

namespace Recurrent.Onnx.Import;

/// <summary>
/// The shape operators on data values, over named axes: the batch and time axes have no fixed size, so a reshape may
/// only merge axes of known sizes (Y's directions and hidden units into the features, <c>(D·H)</c>), a gather or slice
/// of the time axis may only take its last step, and one of the final states' rows axis picks layers and directions.
/// </summary>
internal static class FlowShapes
{
    /// <summary>
    /// Reshape: each target dimension takes input axes in order: 0 copies the axis at its position, n merges consecutive
    /// axes of known sizes whose product is n, −1 takes the axes the others leave (one dynamic axis, or known ones).
    /// </summary>
    public static Axis[] Reshape(NodeProto node, Axis[] axes, long[] target, ImportContext context)
    {
        var unsupported = () => context.UnsupportedNode(node, $"reshapes data with axes {Axis.TextOf(axes)} to [{string.Join(", ", target)}]; the importer maps reshapes that merge axes of fixed size (Y's (D·H)).");
        int infer = Array.IndexOf(target, -1L);
        var result = new Axis[target.Length];
        int left = 0, right = axes.Length;
        for (int j = 0; j < (infer < 0 ? target.Length : infer); j++) result[j] = Take(target[j], j, fromLeft: true) ?? throw unsupported();
        if (infer >= 0)
        {
            for (int j = target.Length - 1; j > infer; j--) result[j] = Take(target[j], j, fromLeft: false) ?? throw unsupported();
            var rest = axes[left..right];
            if (rest.Length == 0 || rest.Length > 1 && rest.Any(a => a.IsDynamic)) throw unsupported();
            result[infer] = Axis.Merge(rest);
            left = right;
        }
        if (left != right) throw unsupported();
        return result;

        Axis? Take(long size, int position, bool fromLeft)
        {
            if (size == 0)
            {
                // 0 copies input axis `position`; from the right it must be the last axis not yet taken.
                int at = fromLeft ? left : right - 1;
                if (at != position || at < left || at >= right) return null;
                if (fromLeft) left++;
                else right--;
                return axes[at];
            }
            var group = new List<Axis>();
            long product = 1;
            while (product < size || group.Count == 0)
            {
                if (left >= right) return null;
                var a = fromLeft ? axes[left++] : axes[--right];
                if (a.IsDynamic) return null;
                if (fromLeft) group.Add(a);
                else group.Insert(0, a);
                product *= a.Size;
            }
            return product == size ? Axis.Merge(group) : null;
        }
    }

    /// <summary>Squeeze: removes the named axes (all of size 1 when none are named); each must have size 1.</summary>
    public static Flow Squeeze(NodeProto node, Flow x, long[]? axes, ImportContext context)
    {
        var at = axes is null ? Enumerable.Range(0, x.Axes.Length).Where(i => x.Axes[i].Size == 1).ToHashSet()
            : axes.Select(a => ShapeOps.Axis(a, x.Axes.Length, context, node)).ToHashSet();
        foreach (int a in at)
        {
            if (x.Axes[a].Size != 1) throw context.UnsupportedNode(node, $"squeezes axis {a} ({x.Axes[a].Text}) of data with axes {x.AxesText}; expected an axis of size 1.");
        }
        return x with { Axes = x.Axes.Where((_, i) => !at.Contains(i)).ToArray() };
    }

    /// <summary>Unsqueeze: inserts unit axes at the named output positions.</summary>
    public static Flow Unsqueeze(NodeProto node, Flow x, long[] axes, ImportContext context)
    {
        int rank = x.Axes.Length + axes.Length;
        var at = axes.Select(a => ShapeOps.Axis(a, rank, context, node)).ToHashSet();
        if (at.Count != axes.Length) throw context.InvalidNode(node, $"repeats an axis in [{string.Join(", ", axes)}].");
        var result = new Axis[rank];
        for (int i = 0, j = 0; i < rank; i++) result[i] = at.Contains(i) ? new Axis("1", 1) : x.Axes[j++];
        return x with { Axes = result };
    }

    /// <summary>
    /// Gather of one index: the last step of the time axis (index −1), a row of the final states, or the only entry of
    /// an axis of size 1; the axis goes away.
    /// </summary>
    public static Flow Gather(NodeProto node, Flow x, ConstTensor indices, string? time, ImportContext context)
    {
        int axis = ShapeOps.Axis(NodeAttributes.Int(node, "axis", 0), x.Axes.Length, context, node);
        var a = x.Axes[axis];
        if (indices.Values.Length != 1) throw context.UnsupportedNode(node, $"gathers {indices.Values.Length} entries of axis {a.Text}; the importer maps taking one step or one row.");
        long index = (long)indices.Values[0];
        var rest = x.Axes.Where((_, i) => i != axis).ToArray();
        var reduced = indices.Rank == 0 ? rest : x.Axes.Select((b, i) => i == axis ? new Axis("1", 1) : b).ToArray();
        if (a.Name == time && x.Stage == FlowStage.Sequence && !x.Pooled)
        {
            if (index != -1) throw context.UnsupportedNode(node, $"takes step {index} of the time axis; the importer maps taking the last step (index −1).");
            return x with { Axes = reduced, LastStep = true };
        }
        if (a.IsDynamic) throw context.UnsupportedNode(node, $"gathers along axis {a.Text} of data with axes {x.AxesText}; the importer maps the last time step or a row of the final states.");
        if (index < -a.Size || index >= a.Size) throw context.InvalidNode(node, $"gathers index {index} of an axis of {a.Size}.");
        int row = (int)(index < 0 ? index + a.Size : index);
        if (x.Stage == FlowStage.State && a.Name == "S") return x with { Axes = reduced, RowStart = x.RowStart + row, RowCount = 1 };
        if (a.Size == 1) return x with { Axes = reduced };
        throw context.UnsupportedNode(node, $"takes entry {index} of axis {a.Text} of data with axes {x.AxesText}; the importer maps the last time step or a row of the final states.");
    }

    /// <summary>
    /// Slice: the last step of the time axis (<c>[−1:]</c>), rows of the final states, or whole axes; nothing else.
    /// </summary>
    public static Flow Slice(NodeProto node, Flow x, ConstTensor?[] inputs, int opset, string? time, ImportContext context)
    {
        long[]? starts, ends, axes, steps = null;
        if (opset < 10)
        {
            starts = NodeAttributes.Ints(node, "starts");
            ends = NodeAttributes.Ints(node, "ends");
            axes = NodeAttributes.Ints(node, "axes");
        }
        else
        {
            var missing = Enumerable.Range(1, Math.Min(inputs.Length, 5) - 1).FirstOrDefault(i => inputs[i] is null && node.Input[i].Length > 0);
            if (missing > 0) throw context.UnsupportedNode(node, $"takes its input {missing} from a run-time tensor; the importer needs constant slice bounds.");
            starts = inputs.Length > 1 ? inputs[1]?.ToLongs() : null;
            ends = inputs.Length > 2 ? inputs[2]?.ToLongs() : null;
            axes = inputs.Length > 3 ? inputs[3]?.ToLongs() : null;
            steps = inputs.Length > 4 ? inputs[4]?.ToLongs() : null;
        }
        if (starts is null || ends is null || starts.Length != ends.Length) throw context.InvalidNode(node, "lacks starts or ends.");
        axes ??= Enumerable.Range(0, starts.Length).Select(i => (long)i).ToArray();
        steps ??= Enumerable.Repeat(1L, starts.Length).ToArray();
        var result = x;
        for (int i = 0; i < starts.Length; i++)
        {
            int axis = ShapeOps.Axis(axes[i], x.Axes.Length, context, node);
            var a = x.Axes[axis];
            if (a.Name == time && x.Stage == FlowStage.Sequence && !result.Pooled)
            {
                bool last = starts[i] == -1 && ends[i] >= int.MaxValue && steps[i] == 1;
                bool first = starts[i] == 0 && ends[i] == 1 && steps[i] == 1 && result.Half == 1;
                if (!last && !first) throw context.UnsupportedNode(node, $"slices [{starts[i]}:{ends[i]}:{steps[i]}] of the time axis; the importer maps taking the last step ([-1:]), or step 0 of a bidirectional output's reverse half.");
                result = result with { Axes = result.Axes.Select((b, j) => j == axis ? new Axis("1", 1) : b).ToArray(), LastStep = last, FirstStep = first };
                continue;
            }
            if (a.IsDynamic) throw context.UnsupportedNode(node, $"slices axis {a.Text} of data with axes {x.AxesText}; the importer maps the last time step or rows of the final states.");
            var range = ShapeOps.Clamp(a.Size, starts[i], ends[i], steps[i], context, node);
            if (range.Start == 0 && range.Count == a.Size && range.Step == 1) continue;
            if (x.Stage == FlowStage.Sequence && !result.Pooled && result.Half < 0 && axis == x.Axes.Length - 1 && a.Parts is [{ Name: "D", Size: 2 }, { Name: "H" } h]
                && range.Step == 1 && range.Count == h.Size && (range.Start == 0 || range.Start == h.Size))
            {
                // A bidirectional output's forward (D·H)[0:H] or reverse [H:2H] half.
                result = result with { Axes = result.Axes.Select((b, j) => j == axis ? h : b).ToArray(), Half = (int)(range.Start / h.Size) };
                continue;
            }
            if (x.Stage != FlowStage.State || a.Name != "S" || range.Step != 1 || range.Count == 0)
            {
                throw context.UnsupportedNode(node, $"slices [{starts[i]}:{ends[i]}:{steps[i]}] of axis {a.Text} of data with axes {x.AxesText}; the importer maps the last time step or rows of the final states.");
            }
            result = result with
            {
                Axes = result.Axes.Select((b, j) => j == axis ? b with { Size = range.Count } : b).ToArray(),
                RowStart = x.RowStart + (int)range.Start,
                RowCount = range.Count,
            };
        }
        return result;
    }

    /// <summary>ReduceMean over the time axis alone: the mean over steps (keepdims leaves a unit axis).</summary>
    public static Flow Mean(NodeProto node, Flow x, long[]? axes, string? time, ImportContext context)
    {
        int at = Array.FindIndex(x.Axes, a => a.Name == time);
        var named = axes?.Select(a => ShapeOps.Axis(a, x.Axes.Length, context, node)).ToArray();
        if (x.Stage != FlowStage.Sequence || x.Pooled || at < 0 || named is not [var only] || only != at)
        {
            throw context.UnsupportedNode(node, $"averages data with axes {x.AxesText} over axes [{string.Join(", ", axes ?? [])}]; the importer maps the mean of a recurrent output over its time axis.");
        }
        bool keep = NodeAttributes.Int(node, "keepdims", 1) != 0;
        return x with { Axes = keep ? x.Axes.Select((a, i) => i == at ? new Axis("1", 1) : a).ToArray() : x.Axes.Where((_, i) => i != at).ToArray(), Mean = true };
    }

    /// <summary>
    /// Concat of final states: along their rows, consecutive rows of the same state (h or c, over the layers); or single
    /// rows side by side along the hidden axis, as torch writes <c>cat([h_n[-2], h_n[-1]], dim = 1)</c>, which is the
    /// rows' (D·H) layout.
    /// </summary>
    public static Flow Concat(NodeProto node, Flow[] parts, ImportContext context)
    {
        var first = parts[0];
        int axis = ShapeOps.Axis(NodeAttributes.Int(node, "axis", 0), first.Axes.Length, context, node);
        if (first.Stage == FlowStage.Sequence) return FlowPooling.Halves(node, parts, axis, context);
        if (first.Axes[axis] is { Name: "H", Parts: null } hidden)
        {
            for (int i = 0; i < parts.Length; i++)
            {
                var p = parts[i];
                bool fits = p.Stage == FlowStage.State && p.State == first.State && p.RowCount == 1 && p.RowStart == first.RowStart + i
                    && p.Axes.Length == first.Axes.Length && p.Axes.Select((a, j) => a.Text == first.Axes[j].Text).All(b => b);
                if (!fits) throw context.UnsupportedNode(node, "concatenates data other than consecutive rows of the final states; the importer maps Concat of Y_h rows (cat([h_n[-2], h_n[-1]], 1)).");
            }
            var merged = Axis.Merge([new Axis("S", parts.Length), hidden]);
            return first with { Axes = first.Axes.Select((a, j) => j == axis ? merged : a).ToArray(), RowCount = parts.Length };
        }
        int rows = first.RowStart;
        foreach (var p in parts)
        {
            bool fits = p.Stage == FlowStage.State && p.State == first.State && p.RowStart == rows && p.Axes.Length == first.Axes.Length
                && p.Axes[axis].Name == "S" && p.Axes.Select((a, i) => i == axis || a.Text == first.Axes[i].Text).All(b => b);
            if (!fits) throw context.UnsupportedNode(node, "concatenates data other than consecutive rows of the final states; the importer maps Concat of Y_h (or Y_c) over the layers.");
            rows += p.RowCount;
        }
        int count = rows - first.RowStart;
        return first with
        {
            Axes = first.Axes.Select((a, i) => i == axis ? a with { Size = count } : a).ToArray(),
            RowCount = count,
            Layer = parts.Max(p => p.Layer),
        };
    }
}
