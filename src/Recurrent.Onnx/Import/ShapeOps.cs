using Recurrent.Onnx.Proto;

namespace Recurrent.Onnx.Import;

/// <summary>The shape arithmetic of ONNX's shape operators, shared by the constant folder and the data path.</summary>
internal static class ShapeOps
{
    /// <summary>An axis attribute in [−rank, rank) as an index in [0, rank).</summary>
    public static int Axis(long axis, int rank, ImportContext context, NodeProto node)
    {
        if (axis < -rank || axis >= rank) throw context.InvalidNode(node, $"names axis {axis} of a rank-{rank} tensor.");
        return (int)(axis < 0 ? axis + rank : axis);
    }

    /// <summary>Transpose's <c>perm</c>, reversed axes by default, checked to be a permutation.</summary>
    public static int[] Permutation(NodeProto node, int rank, ImportContext context)
    {
        var perm = NodeAttributes.Ints(node, "perm")?.Select(p => (int)p).ToArray() ?? Enumerable.Range(0, rank).Reverse().ToArray();
        if (perm.Length != rank || perm.Order().Where((p, i) => p != i).Any())
        {
            throw context.InvalidNode(node, $"has perm [{string.Join(", ", perm)}]; expected a permutation of the {rank} axes.");
        }
        return perm;
    }

    /// <summary>Reshape's output shape: 0 copies the input's dimension (allowzero = 0), −1 takes what is left.</summary>
    public static int[] ReshapeTarget(int[] shape, long[] target, ImportContext context, NodeProto node)
    {
        long total = shape.Aggregate(1L, (a, b) => a * b), known = 1;
        var result = new int[target.Length];
        int infer = -1;
        for (int i = 0; i < target.Length; i++)
        {
            long d = target[i];
            if (d == 0 && i < shape.Length) d = shape[i];
            if (d == -1 && infer < 0) infer = i;
            else if (d < 0) throw context.InvalidNode(node, $"asks for shape [{string.Join(", ", target)}].");
            else
            {
                result[i] = (int)d;
                known *= d;
            }
        }
        if (infer >= 0) result[infer] = known == 0 ? 0 : (int)(total / known);
        if (result.Aggregate(1L, (a, b) => a * b) != total)
        {
            throw context.InvalidNode(node, $"reshapes {ConstTensor.ShapeTextOf(shape)} to [{string.Join(", ", target)}]; the element counts differ.");
        }
        return result;
    }

    /// <summary>Unsqueeze's output shape: a 1 inserted at each axis (axes of the output).</summary>
    public static int[] Unsqueeze(int[] shape, long[] axes, ImportContext context, NodeProto node)
    {
        int rank = shape.Length + axes.Length;
        var at = axes.Select(a => Axis(a, rank, context, node)).ToHashSet();
        if (at.Count != axes.Length) throw context.InvalidNode(node, $"repeats an axis in [{string.Join(", ", axes)}].");
        var result = new int[rank];
        for (int i = 0, j = 0; i < rank; i++) result[i] = at.Contains(i) ? 1 : shape[j++];
        return result;
    }

    /// <summary>Squeeze's output shape: the named axes (every 1 when none are named) removed; each must be 1.</summary>
    public static int[] Squeeze(int[] shape, long[]? axes, ImportContext context, NodeProto node)
    {
        var at = axes is null ? Enumerable.Range(0, shape.Length).Where(i => shape[i] == 1).ToHashSet()
            : axes.Select(a => Axis(a, shape.Length, context, node)).ToHashSet();
        foreach (int a in at)
        {
            if (shape[a] != 1) throw context.InvalidNode(node, $"squeezes axis {a} of size {shape[a]}; expected size 1.");
        }
        return shape.Where((_, i) => !at.Contains(i)).ToArray();
    }

    /// <summary>One axis of a slice: the first index, how many, and the step.</summary>
    public readonly record struct Range(long Start, int Count, long Step);

    /// <summary>Slice's ranges on every axis (the whole axis where none is given), clamped as the specification says.</summary>
    public static Range[] SliceRanges(int[] shape, long[] starts, long[] ends, long[]? axes, long[]? steps, ImportContext context, NodeProto node)
    {
        axes ??= Enumerable.Range(0, starts.Length).Select(i => (long)i).ToArray();
        steps ??= Enumerable.Repeat(1L, starts.Length).ToArray();
        if (ends.Length != starts.Length || axes.Length != starts.Length || steps.Length != starts.Length)
        {
            throw context.InvalidNode(node, "has starts, ends, axes and steps of different lengths.");
        }
        var ranges = shape.Select(n => new Range(0, n, 1)).ToArray();
        for (int i = 0; i < starts.Length; i++)
        {
            int axis = Axis(axes[i], shape.Length, context, node);
            ranges[axis] = Clamp(shape[axis], starts[i], ends[i], steps[i], context, node);
        }
        return ranges;
    }

    /// <summary>The range a slice takes from an axis of <paramref name="n"/>.</summary>
    public static Range Clamp(long n, long start, long end, long step, ImportContext context, NodeProto node)
    {
        if (step == 0) throw context.InvalidNode(node, "has step 0.");
        if (start < 0) start += n;
        if (end < 0) end += n;
        if (step > 0)
        {
            start = Math.Clamp(start, 0, n);
            end = Math.Clamp(end, 0, n);
        }
        else
        {
            start = Math.Clamp(start, 0, n - 1);
            end = Math.Clamp(end, -1, n - 1);
        }
        long count = step > 0 ? (end - start + step - 1) / step : (start - end - step - 1) / -step;
        return new Range(start, (int)Math.Max(0, count), step);
    }
}
